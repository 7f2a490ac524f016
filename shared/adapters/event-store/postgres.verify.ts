// `tng audit verify` for Postgres: every hash chain recomputed from the stored rows, in
// pages of VERIFY_BATCH_SIZE_MAX ordered by (stream_id, stream_version), so memory stays
// bounded however large the log. It runs in one read-only REPEATABLE READ transaction, so
// events and stream heads are read from the same snapshot while appends go on. Such a
// transaction takes no transaction id, so it does not hold back readAll's horizon.
import type { Pool, PoolClient } from 'pg';
import { assert } from '../../errors/assert';
import type { StreamId, StreamVerification } from '../../ports/event-store.port';
import { ChainVerifier, headWithoutEvents, type StreamHead } from './chain-verifier';
import { GENESIS_HASH } from './event-hash';
import { EVENT_COLUMNS, STORE_TYPES, toChainedEvent, type EventRow } from './postgres.rows';

export const VERIFY_BATCH_SIZE_MAX = 1_000;

type Key = { streamId: StreamId; streamVersion: bigint };

export async function verifyPostgresStreams(
  pool: Pool,
  onProgress: ((streams: number) => void) | undefined,
): Promise<StreamVerification> {
  const client = await pool.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const orphan = await firstHeadWithoutEvents(client);
    if (orphan) return orphan;
    const verifier = new ChainVerifier();
    let after: Key = { streamId: '', streamVersion: 0n };
    // Terminates: each page starts strictly after the last one, in a fixed snapshot.
    for (;;) {
      const rows = await eventsAfter(client, after);
      if (rows.length === 0) break;
      const heads = await headsOf(client, [...new Set(rows.map((row) => row.stream_id))]);
      for (const row of rows) {
        const failure = verifier.accept(toChainedEvent(row), heads.get(row.stream_id));
        if (failure) return failure;
      }
      const last = rows[rows.length - 1];
      assert(last !== undefined, 'a page that is not empty has a last row');
      after = { streamId: last.stream_id, streamVersion: last.stream_version };
      onProgress?.(verifier.streams);
    }
    return verifier.finish();
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

async function eventsAfter(client: PoolClient, after: Key): Promise<EventRow[]> {
  const result = await client.query<EventRow>({
    text: `select ${EVENT_COLUMNS} from events
      where (stream_id, stream_version) > ($1, $2)
      order by stream_id, stream_version
      limit $3`,
    values: [after.streamId, after.streamVersion.toString(), VERIFY_BATCH_SIZE_MAX],
    types: STORE_TYPES,
  });
  return result.rows;
}

async function headsOf(
  client: PoolClient,
  streamIds: StreamId[],
): Promise<Map<StreamId, StreamHead>> {
  const result = await client.query<{ stream_id: string; version: bigint; last_hash: string }>({
    text: 'select stream_id, version, last_hash from streams where stream_id = any($1::text[])',
    values: [streamIds],
    types: STORE_TYPES,
  });
  return new Map(result.rows.map((row) => [
    row.stream_id, { streamId: row.stream_id, version: row.version, lastHash: row.last_hash },
  ]));
}

// A head that claims events none of which exist (say, all of a stream's rows deleted with
// the trigger disabled) never reaches the chain walk, so it is looked for apart.
async function firstHeadWithoutEvents(client: PoolClient): Promise<StreamVerification | null> {
  const result = await client.query<{ stream_id: string; version: bigint; last_hash: string }>({
    text: `select s.stream_id, s.version, s.last_hash from streams s
      where (s.version <> 0 or s.last_hash <> $1)
        and not exists (select 1 from events e where e.stream_id = s.stream_id)
      order by s.stream_id
      limit 1`,
    values: [GENESIS_HASH],
    types: STORE_TYPES,
  });
  const row = result.rows[0];
  if (!row) return null;
  const { stream_id: streamId, version, last_hash: lastHash } = row;
  return headWithoutEvents({ streamId, version, lastHash });
}
