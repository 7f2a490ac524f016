// Goal: whatever Stripe does (any order, any duplication, our own timeout mixed in), the saga
// credits at most once, and its final outcome is the first decisive input: paid wins over a
// later expiry or failure, and an earlier expiry or failure is never overturned by payment.
import fc from 'fast-check';
import { foldEvents } from '../decider';
import { movementId } from '../ids';
import { myr, NOW, ALICE } from '../testing/wallet-fixtures';
import { topUpId, type TopUpEvent } from './topup.events';
import { nextAction, pendingEffect, topUpDecider, type TopUpInput } from './topup.saga';

const ID = topUpId('tu-prop');
const stripeInputs: readonly TopUpInput[] = [
  { type: 'StripePaid', stripeEventId: 'evt_completed', now: NOW },
  { type: 'StripePaid', stripeEventId: 'evt_async_ok', now: NOW },
  { type: 'StripePaymentFailed', stripeEventId: 'evt_async_failed', now: NOW },
  { type: 'Expire', stripeEventId: 'evt_expired', now: NOW },
  { type: 'Expire', now: NOW }, // our own timeout
  { type: 'RecordCheckoutSession', checkoutSessionId: 'cs_1', checkoutUrl: 'https://x.test/', now: NOW },
];

const outcomeOf = (input: TopUpInput): 'paid' | 'failed' | 'expired' | null => {
  if (input.type === 'StripePaid') return 'paid';
  if (input.type === 'StripePaymentFailed') return 'failed';
  if (input.type === 'Expire') return 'expired';
  return null;
};

/** Runs the inputs like the process manager: after each, credit if the saga asks for it. */
function run(inputs: readonly TopUpInput[]): readonly TopUpEvent[] {
  const request: TopUpInput = { type: 'RequestTopUp', topUpId: ID, walletId: ALICE, amount: myr(100n), now: NOW };
  let events: readonly TopUpEvent[] = nextAction(request, foldEvents(topUpDecider, []));
  for (const input of inputs) {
    events = [...events, ...nextAction(input, foldEvents(topUpDecider, events))];
    if (pendingEffect(foldEvents(topUpDecider, events)) === 'credit_wallet') {
      const credit: TopUpInput = { type: 'RecordCredit', movementId: movementId(ID), now: NOW };
      events = [...events, ...nextAction(credit, foldEvents(topUpDecider, events))];
    }
  }
  return events;
}

test('any sequence of Stripe inputs credits at most once; the first decisive input wins', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...stripeInputs), { maxLength: 12 }), (inputs) => {
      const events = run(inputs);
      const credits = events.filter((e) => e.type === 'TopUpCredited');
      const decisive = events.filter((e) =>
        ['TopUpSucceeded', 'TopUpFailed', 'TopUpExpired'].includes(e.type),
      );
      expect(credits.length).toBeLessThanOrEqual(1);
      expect(decisive.length).toBeLessThanOrEqual(1);
      const first = inputs.map(outcomeOf).find((outcome) => outcome !== null) ?? null;
      const state = foldEvents(topUpDecider, events);
      const expected = { paid: 'credited', failed: 'failed', expired: 'expired' } as const;
      const status = first === null ? ['requested', 'session_created'] : [expected[first]];
      expect(status).toContain(state.status);
      expect(credits.length).toBe(first === 'paid' ? 1 : 0);
    }),
    { numRuns: 500 },
  );
});

test('replaying a whole delivery log again changes nothing', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...stripeInputs), { maxLength: 8 }), (inputs) => {
      expect(run([...inputs, ...inputs])).toEqual(run(inputs));
    }),
  );
});
