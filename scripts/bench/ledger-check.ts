// After the bench's transfer runs: was anything lost or made up? Over the streams of the
// wallets the HTTP runs used, the event log must hold exactly one transfer debit and one
// transfer credit per 201 answered, for the same total amount, so the wallets' balances
// (credits minus debits, the seeding included) still add up to what was seeded; and once
// the projector has caught up, the read model must say the same.
import type { Client } from 'pg';
import { withClient } from '../../shared/testing/fresh-database';
import type { SeededWallet } from './seed-ledger';

const PROJECTOR_WAIT_MS_MAX = 60_000;

export type LedgerCheck = Readonly<{
  answered201: number;
  transferDebits: number;
  transferCredits: number;
  debitedMinor: string;
  creditedMinor: string;
  seededMinor: string;
  eventLogBalanceMinor: string;
  readModelBalanceMinor: string | null;
  ok: boolean;
}>;

export async function checkLedger(
  url: string,
  wallets: readonly SeededWallet[],
  fundingMinor: bigint,
  answered201: number,
): Promise<LedgerCheck> {
  return withClient(url, async (client) => {
    const streams = wallets.map((wallet) => `wallet-${wallet.walletId}`);
    const { rows: [log] } = await client.query<Record<string, string>>(
      `select
        count(*) filter (where type = 'WalletDebited' and data->>'movementKind' = 'transfer')
          as debits,
        count(*) filter (where type = 'WalletCredited' and data->>'movementKind' = 'transfer')
          as credits,
        coalesce(sum((data->>'amountMinor')::bigint) filter (
          where type = 'WalletDebited' and data->>'movementKind' = 'transfer'), 0) as debited,
        coalesce(sum((data->>'amountMinor')::bigint) filter (
          where type = 'WalletCredited' and data->>'movementKind' = 'transfer'), 0) as credited,
        coalesce(sum(case type when 'WalletCredited' then (data->>'amountMinor')::bigint
          when 'WalletDebited' then -(data->>'amountMinor')::bigint end), 0) as balance
      from events where stream_id = any($1)`,
      [streams],
    );
    const seeded = fundingMinor * BigInt(wallets.length);
    const readModel = await readModelBalance(client, wallets.map((wallet) => wallet.walletId));
    const figures = {
      answered201,
      transferDebits: Number(log!.debits),
      transferCredits: Number(log!.credits),
      debitedMinor: log!.debited!,
      creditedMinor: log!.credited!,
      seededMinor: seeded.toString(),
      eventLogBalanceMinor: log!.balance!,
      readModelBalanceMinor: readModel?.toString() ?? null,
    };
    return {
      ...figures,
      ok: figures.transferDebits === answered201
        && figures.transferCredits === answered201
        && figures.debitedMinor === figures.creditedMinor
        && figures.eventLogBalanceMinor === figures.seededMinor
        && figures.readModelBalanceMinor === figures.seededMinor,
    };
  });
}

/**
 * Waits (up to `waitMsMax`) until the read model has every event of the wallets' streams;
 * then the sum of their balances there, else null.
 */
export async function readModelBalance(
  client: Client,
  walletIds: readonly string[],
  waitMsMax = PROJECTOR_WAIT_MS_MAX,
): Promise<bigint | null> {
  const deadline = Date.now() + waitMsMax;
  for (;;) {
    const { rows: [row] } = await client.query<{ behind: string; balance: string | null }>(
      `select count(*) filter (where w.version is distinct from s.version) as behind,
          sum(w.balance) as balance
        from streams s left join rm_wallets w on w.wallet_id = substr(s.stream_id, 8)
        where s.stream_id = any($1)`,
      [walletIds.map((id) => `wallet-${id}`)],
    );
    if (Number(row!.behind) === 0) return BigInt(row!.balance ?? 0);
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
