// The top_ups projection: one row of rm_top_ups per top-up saga stream (topup-<id>), with the
// public status GET /v1/top-ups/:topUpId answers: pending (requested, session created, or paid
// but not yet credited), completed (credited), failed, expired. Rows skip events at or below
// their version, so a replay is harmless.
import type { PoolClient } from 'pg';
import { decodeTopUpEvent } from '../../../shared/domain/event-codec';
import { TOPUP_STREAM_PREFIX, type TopUpEvent } from '../../../shared/domain/topup/topup.events';
import { assert, assertNever } from '../../../shared/errors/assert';
import type { RecordedEvent } from '../../../shared/ports/event-store.port';
import type { Projection, TableNames } from '../projection';

export type ProjectedTopUp = {
  topUpId: string;
  walletId: string;
  amount: bigint;
  currency: string;
  status: 'pending' | 'completed' | 'failed' | 'expired';
  requestedAt: Date;
  version: bigint;
};

export function projectTopUp(
  row: ProjectedTopUp | null,
  event: TopUpEvent,
  version: bigint,
  recordedAt: Date,
): ProjectedTopUp {
  if (event.type === 'TopUpRequested') {
    const { topUpId, walletId, amountMinor, currency } = event.data;
    const requestedAt = recordedAt;
    return { topUpId, walletId, amount: amountMinor, currency, status: 'pending', requestedAt, version };
  }
  assert(row !== null, `${event.type} follows TopUpRequested`);
  switch (event.type) {
    case 'CheckoutSessionCreated':
    case 'TopUpSucceeded':
      return { ...row, version };
    case 'TopUpCredited':
      return { ...row, status: 'completed', version };
    case 'TopUpFailed':
      return { ...row, status: 'failed', version };
    case 'TopUpExpired':
      return { ...row, status: 'expired', version };
    default:
      return assertNever(event);
  }
}

export const topUpsProjection: Projection = {
  name: 'top_ups',
  tables: ['rm_top_ups'],
  keys: { rm_top_ups: ['top_up_id'] },
  apply: async (client: PoolClient, events: readonly RecordedEvent[], tables: TableNames) => {
    const sagaEvents = events.filter((event) => event.streamId.startsWith(TOPUP_STREAM_PREFIX));
    if (sagaEvents.length === 0) return;
    const idOf = (event: RecordedEvent) => event.streamId.slice(TOPUP_STREAM_PREFIX.length);
    const ids = [...new Set(sagaEvents.map(idOf))];
    const loaded = await client.query(
      `select * from ${tables.rm_top_ups} where top_up_id = any($1)`,
      [ids],
    );
    const rows = new Map<string, ProjectedTopUp>(
      loaded.rows.map((r) => [r.top_up_id, {
        topUpId: r.top_up_id,
        walletId: r.wallet_id,
        amount: BigInt(r.amount),
        currency: r.currency,
        status: r.status,
        requestedAt: r.requested_at,
        version: BigInt(r.version),
      }]),
    );
    const dirty = new Map<string, ProjectedTopUp>();
    for (const recorded of sagaEvents) {
      const id = idOf(recorded);
      const row = rows.get(id) ?? null;
      if (row && recorded.streamVersion <= row.version) continue;
      const event = decodeTopUpEvent(recorded);
      const next = projectTopUp(row, event, recorded.streamVersion, recorded.recordedAt);
      rows.set(id, next);
      dirty.set(id, next);
    }
    const list = [...dirty.values()];
    await client.query(
      `insert into ${tables.rm_top_ups} (top_up_id, wallet_id, amount, currency, status,
              requested_at, version)
       select * from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                            $6::timestamptz[], $7::bigint[])
       on conflict (top_up_id) do update set status = excluded.status, version = excluded.version`,
      [
        list.map((r) => r.topUpId),
        list.map((r) => r.walletId),
        list.map((r) => r.amount.toString()),
        list.map((r) => r.currency),
        list.map((r) => r.status),
        list.map((r) => r.requestedAt),
        list.map((r) => r.version.toString()),
      ],
    );
  },
};
