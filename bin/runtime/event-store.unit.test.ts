import { ConfigError } from '../../shared/config/load-config';
import { eventStoreFor, eventStoreKind } from './event-store';

describe('choosing the event store by configuration', () => {
  it('keeps the log in Postgres by default', () => {
    expect(eventStoreKind({})).toBe('postgres');
    expect(typeof eventStoreFor({})).toBe('function');
  });

  it('refuses KURRENTDB_URL before anything starts, instead of quietly using Postgres', () => {
    expect(eventStoreKind({ KURRENTDB_URL: 'esdb://kurrent:2113' })).toBe('kurrentdb');
    expect(() => eventStoreFor({ KURRENTDB_URL: 'esdb://kurrent:2113' })).toThrow(ConfigError);
    expect(() => eventStoreFor({ KURRENTDB_URL: 'esdb://kurrent:2113' })).toThrow(/KURRENTDB_URL/);
  });
});
