// A wallet over a period, replayed from its own stream (`tng audit replay --from --to`): the
// figures just before `from` (opening), every step from `from` to `to` (both inclusive, by
// recorded time, as `--at` is), the figures after `to` (closing) and the period's totals.
// The whole stream up to `to` is folded, so holds placed before the period still show their
// reason when they end inside it. Without `from` the period starts at the wallet's opening.
import type { WalletState } from '../domain/wallet/wallet.state';
import { initialWalletState } from '../domain/wallet/wallet.state';
import { assert } from '../errors/assert';
import type { EventStore, RecordedEvent } from '../ports/event-store.port';
import { balanceSummary, replayWallet } from './replay-wallet';
import { timelineStep, type TimelineStep } from './wallet-timeline';

export type Figures = ReturnType<typeof balanceSummary>;

/** Sums in minor units over the period's steps, as digit strings. */
export type PeriodTotals = Readonly<{
  movements: number;
  credits: string;
  debits: string;
  net: string;
  rejected: number;
  held: string;
  released: string;
}>;

export type WalletPeriod = Readonly<{
  state: WalletState;
  opening: Figures;
  steps: TimelineStep[];
  closing: Figures;
  totals: PeriodTotals;
}>;

export async function replayPeriod(
  store: EventStore,
  walletId: string,
  period: Readonly<{ from?: Date; to?: Date }>,
): Promise<WalletPeriod> {
  let openingState = initialWalletState();
  let openingLast: RecordedEvent | null = null;
  const steps: TimelineStep[] = [];
  const holdReasons = new Map<string, string>();
  const { state, last } = await replayWallet(store, walletId, {
    ...(period.to ? { at: period.to } : {}),
    onStep: (step) => {
      const line = timelineStep(step, holdReasons);
      if (period.from && step.recorded.recordedAt < period.from) {
        openingState = step.state;
        openingLast = step.recorded;
      } else {
        steps.push(line);
      }
    },
  });
  const opening = balanceSummary(openingState, openingLast);
  const closing = balanceSummary(state, last);
  const totals = totalsOf(steps);
  assert(
    BigInt(opening.balance) + BigInt(totals.net) === BigInt(closing.balance),
    'opening balance plus the period\'s movements is the closing balance',
  );
  return { state, opening, steps, closing, totals };
}

export function totalsOf(steps: readonly TimelineStep[]): PeriodTotals {
  let [credits, debits, held, released] = [0n, 0n, 0n, 0n];
  let [movements, rejected] = [0, 0];
  for (const step of steps) {
    const amount = BigInt(step.amount ?? '0');
    if (step.direction === 'credit') credits += amount;
    if (step.direction === 'debit') debits += amount;
    if (step.direction !== null) movements += 1;
    if (step.type === 'TransferRejected') rejected += 1;
    if (step.type === 'HoldPlaced') held += amount;
    released += BigInt(step.releasedAmount ?? '0');
  }
  return {
    movements,
    credits: credits.toString(),
    debits: debits.toString(),
    net: (credits - debits).toString(),
    rejected,
    held: held.toString(),
    released: released.toString(),
  };
}
