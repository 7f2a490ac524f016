// Chooses the event store by configuration. Postgres is the default and the verified one.
// KURRENTDB_URL names a KurrentDB server for operators who keep their log there; until its
// adapter is built the process refuses to start rather than quietly writing to Postgres,
// which an operator who set the variable would not expect. A new adapter is one more branch
// here: it must pass shared/testing/contracts/event-store.contract.ts.
import type { Pool } from 'pg';
import type { Config } from '../../shared/config/load-config';
import { ConfigError } from '../../shared/config/load-config';
import { PostgresEventStore } from '../../shared/adapters/event-store/postgres.event-store';
import { domainEventCodec } from '../../shared/domain/event-codec';
import type { EventStore } from '../../shared/ports/event-store.port';
import type { Metrics } from '../../shared/telemetry/metrics';
import { appendObserver } from '../../shared/telemetry/storage-observers';

export type EventStoreKind = 'postgres' | 'kurrentdb';

export function eventStoreKind(config: Pick<Config, 'KURRENTDB_URL'>): EventStoreKind {
  return config.KURRENTDB_URL ? 'kurrentdb' : 'postgres';
}

/** Open with the pool once it exists. */
export type EventStoreOpener = (pool: Pool, metrics: Metrics) => EventStore;

/**
 * Decides before anything is started, so a configuration the build cannot serve stops the
 * process before it opens (and would have to close) an embedded Postgres.
 */
export function eventStoreFor(config: Pick<Config, 'KURRENTDB_URL'>): EventStoreOpener {
  const kind = eventStoreKind(config);
  switch (kind) {
    case 'postgres':
      return (pool, metrics) =>
        new PostgresEventStore({
          connection: { pool },
          codec: domainEventCodec,
          observer: appendObserver(metrics),
        });
    case 'kurrentdb':
      throw new ConfigError(
        'KURRENTDB_URL is set, but this build has no KurrentDB event store yet; unset it to keep the log in Postgres',
      );
  }
}
