// The transfers projection: one row per transfer or merchant payment, completed (from the
// source's debit) or failed (from the recorded rejection, with its code as the reason).
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../../../shared/ports/event-store.port';
import type { Projection, TableNames } from '../projection';
import { walletEventOf } from '../../../shared/domain/decode-stored-event';

/** A row the projection writes to rm_transfers (read back as TransfersRow). */
type ProjectedTransfer = {
  transferId: string;
  kind: string;
  status: 'completed' | 'failed';
  sourceWalletId: string;
  targetWalletId: string;
  amount: string;
  currency: string;
  reason: string | null;
  note: string | null;
  createdAt: Date;
};

const TRANSFER_KINDS: ReadonlySet<string> = new Set(['transfer', 'payment']);

export function projectedTransferOf(recorded: RecordedEvent): ProjectedTransfer | null {
  if (recorded.type !== 'WalletDebited' && recorded.type !== 'TransferRejected') return null;
  const event = walletEventOf(recorded);
  if (event.type !== 'WalletDebited' && event.type !== 'TransferRejected') return null;
  const { movementKind, movementId, walletId, counterpartyWalletId, note } = event.data;
  if (!TRANSFER_KINDS.has(movementKind)) return null;
  return {
    transferId: movementId,
    kind: movementKind,
    status: event.type === 'WalletDebited' ? 'completed' : 'failed',
    sourceWalletId: walletId,
    targetWalletId: counterpartyWalletId,
    amount: event.data.amountMinor.toString(),
    currency: event.data.currency,
    reason: event.type === 'TransferRejected' ? event.data.code : null,
    note: note ?? null,
    createdAt: recorded.recordedAt,
  };
}

export const transfersProjection: Projection = {
  name: 'transfers',
  tables: ['rm_transfers'],
  keys: { rm_transfers: ['transfer_id'] },
  apply: async (client: PoolClient, events: readonly RecordedEvent[], tables: TableNames) => {
    const rows = events.flatMap((event) => projectedTransferOf(event) ?? []);
    if (rows.length === 0) return;
    await client.query(
      `insert into ${tables.rm_transfers} (transfer_id, kind, status, source_wallet_id,
              target_wallet_id, amount, currency, reason, note, created_at)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                            $6::bigint[], $7::text[], $8::text[], $9::text[], $10::timestamptz[])
       on conflict (transfer_id) do nothing`,
      [
        rows.map((r) => r.transferId),
        rows.map((r) => r.kind),
        rows.map((r) => r.status),
        rows.map((r) => r.sourceWalletId),
        rows.map((r) => r.targetWalletId),
        rows.map((r) => r.amount),
        rows.map((r) => r.currency),
        rows.map((r) => r.reason),
        rows.map((r) => r.note),
        rows.map((r) => r.createdAt),
      ],
    );
  },
};
