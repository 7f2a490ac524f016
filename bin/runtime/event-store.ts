// Chooses the event store by configuration. Postgres is the default and the verified one.
// KURRENTDB_URL names a KurrentDB server (25.1 or later) for operators who keep their log
// there; read models, checkpoints and every other table stay in Postgres. What that store
// does differently (stream locks within one process, no group commit) is in
// docs/architecture.md, "KurrentDB". A new adapter is one more branch here: it must pass
// shared/testing/contracts/event-store.contract.ts.
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
    case 'kurrentdb': {
      const connectionString = kurrentConnectionString(config.KURRENTDB_URL ?? '');
      return () => {
        // Loaded only when chosen: the client and its gRPC stack add about 0.2 s to a start.
        /* eslint-disable-next-line @typescript-eslint/no-require-imports */
        const { KurrentDBEventStore } = require('../../shared/adapters/event-store/kurrentdb.event-store') as
          typeof import('../../shared/adapters/event-store/kurrentdb.event-store');
        return new KurrentDBEventStore({ connectionString, codec: domainEventCodec });
      };
    }
  }
}

// The client's own schemes; anything else is refused before anything starts.
const KURRENTDB_SCHEMES = /^(kurrentdb|kdb|esdb)(\+discover)?:\/\/[^\s]+$/;

function kurrentConnectionString(url: string): string {
  if (!KURRENTDB_SCHEMES.test(url)) {
    throw new ConfigError(
      'KURRENTDB_URL must be a KurrentDB connection string (kurrentdb://host:2113?tls=false)');
  }
  return url;
}
