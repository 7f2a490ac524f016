// Goal: TRUST_PROXY reads every form Fastify's trustProxy takes (none, all, hops, addresses
// and CIDR ranges) and refuses anything else at start; METRICS_TOKEN and the database
// connect timeout are read and bounded.
import { ConfigError, loadConfig } from './load-config';

describe('TRUST_PROXY', () => {
  test.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    ['1', 1],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, 192.168.1.1 ,::1', ['10.0.0.0/8', '192.168.1.1', '::1']],
    ['fd00::/8', ['fd00::/8']],
  ])('%p is %p', (value, expected) => {
    const env = value === undefined ? {} : { TRUST_PROXY: value };
    expect(loadConfig(env).TRUST_PROXY).toEqual(expected);
  });

  test.each(['yes', '10.0.0.0/33', '10.0.0.1/8/1', 'proxy.internal', '10.0.0.1,', '-1'])(
    '%p is refused at start',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
    },
  );
});

test('METRICS_TOKEN is optional, and too short a token is refused', () => {
  expect(loadConfig({}).METRICS_TOKEN).toBeUndefined();
  expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-token' }).METRICS_TOKEN)
    .toBe('a-long-enough-token');
  expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
});

test('DB_CONNECT_TIMEOUT_MS defaults to 5 s and is bounded', () => {
  expect(loadConfig({}).DB_CONNECT_TIMEOUT_MS).toBe(5_000);
  expect(loadConfig({ DB_CONNECT_TIMEOUT_MS: '250' }).DB_CONNECT_TIMEOUT_MS).toBe(250);
  expect(() => loadConfig({ DB_CONNECT_TIMEOUT_MS: '0' })).toThrow(ConfigError);
});
