import { ConfigError } from '../../shared/config/load-config';
import { eventStoreFor, eventStoreKind } from './event-store';

describe('choosing the event store by configuration', () => {
  it('keeps the log in Postgres by default', () => {
    expect(eventStoreKind({})).toBe('postgres');
    expect(typeof eventStoreFor({})).toBe('function');
  });

  it('keeps the log in KurrentDB when KURRENTDB_URL names a server', () => {
    expect(eventStoreKind({ KURRENTDB_URL: 'kurrentdb://kurrent:2113?tls=false' }))
      .toBe('kurrentdb');
    expect(typeof eventStoreFor({ KURRENTDB_URL: 'esdb://kurrent:2113' })).toBe('function');
  });

  it('refuses a KURRENTDB_URL that is no connection string before anything starts', () => {
    for (const url of ['http://kurrent:2113', 'kurrent:2113', 'postgres://x']) {
      expect(() => eventStoreFor({ KURRENTDB_URL: url })).toThrow(ConfigError);
      expect(() => eventStoreFor({ KURRENTDB_URL: url })).toThrow(/KURRENTDB_URL/);
    }
  });
});
