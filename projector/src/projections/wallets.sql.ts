// Set-based reads and writes of the wallets projection's tables: one statement per table per
// batch (unnest of column arrays), which is what makes a rebuild fast.
import type { PoolClient } from 'pg';
import type { WalletsRow } from '../../../shared/read-models/wallets.rows';
import type { ProjectedHold, ProjectedTransaction, ProjectedWallet } from './projected-wallet';

const text = (values: readonly bigint[]) => values.map((value) => value.toString());

export async function loadWallets(client: PoolClient, table: string, ids: string[]) {
  // Typed, not parsed: a rebuild loads every wallet, and this table is the projector's own.
  const result = await client.query<WalletsRow>(
    `select wallet_id, owner_id, kind, system_account, currency, balance, held, status, version,
            opened_at, updated_at
       from ${table} where wallet_id = any($1)`,
    [ids],
  );
  return new Map<string, ProjectedWallet>(
    result.rows.map((r) => [
      r.wallet_id,
      {
        walletId: r.wallet_id,
        ownerId: r.owner_id,
        kind: r.kind,
        systemAccount: r.system_account,
        currency: r.currency,
        balance: BigInt(r.balance),
        held: BigInt(r.held),
        status: r.status,
        version: BigInt(r.version),
        openedAt: r.opened_at,
        updatedAt: r.updated_at,
      },
    ]),
  );
}

export async function loadHolds(client: PoolClient, table: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, ProjectedHold>();
  const result = await client.query(
    `select hold_id, wallet_id, amount, currency, reason, status, expires_at, captured_amount,
            updated_at
       from ${table} where hold_id = any($1)`,
    [ids],
  );
  return new Map<string, ProjectedHold>(
    result.rows.map((r) => [
      r.hold_id,
      {
        holdId: r.hold_id,
        walletId: r.wallet_id,
        amount: BigInt(r.amount),
        currency: r.currency,
        reason: r.reason,
        status: r.status,
        expiresAt: r.expires_at,
        capturedAmount: r.captured_amount === null ? null : BigInt(r.captured_amount),
        updatedAt: r.updated_at,
      },
    ]),
  );
}

export async function writeWallets(client: PoolClient, table: string, rows: ProjectedWallet[]) {
  if (rows.length === 0) return;
  await client.query(
    `insert into ${table} (wallet_id, owner_id, kind, system_account, currency, balance, held,
                           status, version, opened_at, updated_at)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                          $6::bigint[], $7::bigint[], $8::text[], $9::bigint[],
                          $10::timestamptz[], $11::timestamptz[])
     on conflict (wallet_id) do update set
       balance = excluded.balance, held = excluded.held, status = excluded.status,
       version = excluded.version, updated_at = excluded.updated_at`,
    [
      rows.map((r) => r.walletId),
      rows.map((r) => r.ownerId),
      rows.map((r) => r.kind),
      rows.map((r) => r.systemAccount),
      rows.map((r) => r.currency),
      text(rows.map((r) => r.balance)),
      text(rows.map((r) => r.held)),
      rows.map((r) => r.status),
      text(rows.map((r) => r.version)),
      rows.map((r) => r.openedAt),
      rows.map((r) => r.updatedAt),
    ],
  );
}

export async function writeHolds(client: PoolClient, table: string, rows: ProjectedHold[]) {
  if (rows.length === 0) return;
  await client.query(
    `insert into ${table} (hold_id, wallet_id, amount, currency, reason, status, expires_at,
                           captured_amount, updated_at)
     select * from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                          $6::text[], $7::timestamptz[], $8::bigint[], $9::timestamptz[])
     on conflict (hold_id) do update set
       status = excluded.status, captured_amount = excluded.captured_amount,
       updated_at = excluded.updated_at`,
    [
      rows.map((r) => r.holdId),
      rows.map((r) => r.walletId),
      text(rows.map((r) => r.amount)),
      rows.map((r) => r.currency),
      rows.map((r) => r.reason),
      rows.map((r) => r.status),
      rows.map((r) => r.expiresAt),
      rows.map((r) => (r.capturedAmount === null ? null : r.capturedAmount.toString())),
      rows.map((r) => r.updatedAt),
    ],
  );
}

export async function writeTransactions(
  client: PoolClient,
  table: string,
  rows: ProjectedTransaction[],
) {
  if (rows.length === 0) return;
  // No conflict target: a rebuild's copy gets its primary key only after the replay (see
  // insertOnlyTables); the live table's key still turns a replayed row into a no-op.
  await client.query(
    `insert into ${table} (wallet_id, stream_version, transaction_id, kind, direction, amount,
                           currency, balance_after, counterparty_wallet_id, status, note,
                           created_at, reference)
     select * from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                          $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[],
                          $11::text[], $12::timestamptz[], $13::text[])
     on conflict do nothing`,
    [
      rows.map((r) => r.walletId),
      text(rows.map((r) => r.streamVersion)),
      rows.map((r) => r.transactionId),
      rows.map((r) => r.kind),
      rows.map((r) => r.direction),
      text(rows.map((r) => r.amount)),
      rows.map((r) => r.currency),
      text(rows.map((r) => r.balanceAfter)),
      rows.map((r) => r.counterpartyWalletId),
      rows.map((r) => r.status),
      rows.map((r) => r.note),
      rows.map((r) => r.createdAt),
      rows.map((r) => r.reference),
    ],
  );
}
