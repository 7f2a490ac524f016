// Test support: one card top-up's saga stream per call, decided by the real saga decider, in
// two appends (requested with its session, then the outcome) so batch boundaries fall
// between them. By `variant`: 0 paid and credited, 1 failed, 2 left pending.
import { toNewEvent } from '../../../shared/audit/testing/ledger-seed';
import { foldEvents } from '../../../shared/domain/decider';
import { movementId, type WalletId } from '../../../shared/domain/ids';
import { money } from '../../../shared/domain/money/money';
import { topUpId, topUpStreamId, type TopUpEvent } from '../../../shared/domain/topup/topup.events';
import { nextAction, topUpDecider, type TopUpInput } from '../../../shared/domain/topup/topup.saga';
import type { EventStore } from '../../../shared/ports/event-store.port';

export async function seedTopUp(
  store: EventStore,
  wallet: WalletId,
  variant: number,
  now: Date,
): Promise<void> {
  const id = topUpId(`tu-${wallet}`);
  const run = (events: readonly TopUpEvent[], inputs: readonly TopUpInput[]) =>
    inputs.reduce<readonly TopUpEvent[]>(
      (done, input) => [...done, ...nextAction(input, foldEvents(topUpDecider, done))],
      events,
    );
  const opened = run([], [
    { type: 'RequestTopUp', topUpId: id, walletId: wallet, amount: money('MYR', 250n), now },
    { type: 'RecordCheckoutSession', checkoutSessionId: `cs_${id}`, checkoutUrl: 'https://x.test/', now },
  ]);
  const outcomes: TopUpInput[][] = [
    [
      { type: 'StripePaid', stripeEventId: `evt_${id}`, now },
      { type: 'RecordCredit', movementId: movementId(id), now },
    ],
    [{ type: 'StripePaymentFailed', stripeEventId: `evt_${id}`, now }],
    [],
  ];
  const settled = run(opened, outcomes[variant % outcomes.length]!).slice(opened.length);
  const streamId = topUpStreamId(id);
  const first = { streamId, expectedVersion: 'no-stream' as const, events: opened.map(toNewEvent) };
  await store.append({ streams: [first] });
  if (settled.length === 0) return;
  const events = settled.map(toNewEvent);
  await store.append({ streams: [{ streamId, expectedVersion: BigInt(opened.length), events }] });
}
