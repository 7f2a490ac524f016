// Seeds a synthetic wallet ledger straight into `events` with INSERT ... SELECT
// generate_series, so a million events take seconds instead of the minutes that appends
// through the store would. Every payload is valid for the domain codec (WalletOpened v2,
// WalletCredited and WalletDebited v1, amounts as digit strings), so a rebuild decodes them
// as it would real ones. Hashes are placeholders: rebuilds never verify chains, and
// `streams` is left empty because only appends read it.
import type { Pool } from 'pg';

/** One INSERT per chunk keeps each transaction's memory and WAL modest. */
export const SEED_CHUNK_EVENTS_MAX = 100_000;
const OCCURRED_AT = '2025-03-10T08:00:00.000Z';

// Event i belongs to wallet i % wallets at version i / wallets + 1, so every wallet is opened
// before it moves and each batch of a rebuild touches many wallets (the realistic, slower
// case). Even versions credit 1000 and odd ones debit 500: balances never go negative.
const SEED_SQL = `
insert into events (stream_id, stream_version, event_id, type, schema_version, data, metadata,
                    hash)
select 'wallet-bw-' || s.w, s.v, gen_random_uuid(),
       case when s.v = 1 then 'WalletOpened'
            when s.v % 2 = 0 then 'WalletCredited' else 'WalletDebited' end,
       case when s.v = 1 then 2 else 1 end,
       case when s.v = 1 then jsonb_build_object(
              'walletId', 'bw-' || s.w, 'ownerId', 'bu-' || s.w, 'kind', 'user',
              'currency', 'MYR')
            else jsonb_build_object(
              'walletId', 'bw-' || s.w, 'movementId', 'bm-' || s.i,
              'movementKind', 'transfer', 'currency', 'MYR',
              'amountMinor', case when s.v % 2 = 0 then '1000' else '500' end,
              'counterpartyWalletId', 'bw-' || ((s.w + 1) % $3::bigint),
              'occurredAt', '${OCCURRED_AT}') end,
       jsonb_build_object('occurredAt', '${OCCURRED_AT}', 'actorId', 'bench'),
       repeat('0', 64)
  from (select i, i % $3::bigint as w, i / $3::bigint + 1 as v
          from generate_series($1::bigint, $2::bigint) as i) s
 order by s.i`;

export async function seedWalletEvents(
  pool: Pool,
  options: { events: number; wallets: number; onChunk?: (seeded: number) => void },
): Promise<void> {
  for (let first = 0; first < options.events; first += SEED_CHUNK_EVENTS_MAX) {
    const last = Math.min(first + SEED_CHUNK_EVENTS_MAX, options.events) - 1;
    await pool.query(SEED_SQL, [first, last, options.wallets]);
    options.onChunk?.(last + 1);
  }
  // Sets hint bits and statistics now, so neither timed run pays for them.
  await pool.query('vacuum analyze events');
}
