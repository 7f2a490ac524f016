// Goal: the top-up saga moves only forward (requested -> session created -> paid -> credited;
// failed and expired terminal), every late or repeated input returns no events, its events
// pass their schemas, and a paid top-up credits the wallet from the Stripe clearing account.
import { encodeWalletEvent, createEventCodec } from '../event-codec';
import { toWire } from '../event-definition';
import { movementId } from '../ids';
import { spec } from '../testing/spec';
import { ALICE, NOW, opened, systemOpened, myr, minutesLater } from '../testing/wallet-fixtures';
import { topUpDecider as walletTopUpDecider } from '../testing/wallet-ledger';
import {
  checkoutSessionIdempotencyKey,
  topUpEventDefinitions,
  topUpId,
  topUpStreamId,
  type TopUpEvent,
} from './topup.events';
import {
  creditCommand,
  evolveTopUp,
  initialTopUpState,
  pendingEffect,
  publicStatus,
  topUpDecider,
  type StartedTopUp,
  type TopUpInput,
} from './topup.saga';
import { foldEvents } from '../decider';

const ID = topUpId('tu-1');
const LATER = minutesLater(5);
const SESSION = 'cs_test_1';
const URL = 'https://checkout.stripe.com/c/pay/cs_test_1';

const requested: TopUpEvent = {
  type: 'TopUpRequested',
  data: {
    topUpId: ID,
    walletId: ALICE,
    currency: 'MYR',
    amountMinor: 5_000n,
    requestedAt: NOW.toISOString(),
  },
};
const sessionCreated: TopUpEvent = {
  type: 'CheckoutSessionCreated',
  data: { topUpId: ID, checkoutSessionId: SESSION, checkoutUrl: URL, createdAt: NOW.toISOString() },
};
const succeeded = (stripeEventId = 'evt_paid'): TopUpEvent => ({
  type: 'TopUpSucceeded',
  data: { topUpId: ID, stripeEventId, paymentIntent: 'pi_1', succeededAt: LATER.toISOString() },
});
const failed: TopUpEvent = {
  type: 'TopUpFailed',
  data: { topUpId: ID, stripeEventId: 'evt_failed', failedAt: LATER.toISOString() },
};
const expired = (stripeEventId?: string): TopUpEvent => ({
  type: 'TopUpExpired',
  data: { topUpId: ID, stripeEventId, expiredAt: LATER.toISOString() },
});
const credited: TopUpEvent = {
  type: 'TopUpCredited',
  data: { topUpId: ID, movementId: movementId(ID), creditedAt: LATER.toISOString() },
};

const request: TopUpInput = {
  type: 'RequestTopUp',
  topUpId: ID,
  walletId: ALICE,
  amount: myr(5_000n),
  now: NOW,
};
const recordSession: TopUpInput = {
  type: 'RecordCheckoutSession',
  checkoutSessionId: SESSION,
  checkoutUrl: URL,
  now: NOW,
};
const paid = (stripeEventId = 'evt_paid'): TopUpInput => ({
  type: 'StripePaid',
  stripeEventId,
  paymentIntent: 'pi_1',
  now: LATER,
});
const paymentFailed: TopUpInput = {
  type: 'StripePaymentFailed',
  stripeEventId: 'evt_failed',
  now: LATER,
};
const expire = (stripeEventId?: string): TopUpInput => ({ type: 'Expire', stripeEventId, now: LATER });
const recordCredit: TopUpInput = { type: 'RecordCredit', movementId: movementId(ID), now: LATER };

const given = spec(topUpDecider);
const started = (events: readonly TopUpEvent[]): StartedTopUp => {
  const state = foldEvents(topUpDecider, events);
  if (state.status === 'absent') throw new Error('not started');
  return state;
};

describe('forward transitions', () => {
  test('a request starts the saga', () => given([]).when(request).then([requested]));
  test('requested -> session created', () =>
    given([requested]).when(recordSession).then([sessionCreated]));
  test('session created -> paid', () =>
    given([requested, sessionCreated]).when(paid()).then([succeeded()]));
  test('requested -> paid: the session exists at Stripe though we crashed before recording it', () =>
    given([requested]).when(paid()).then([succeeded()]));
  test('paid -> credited', () =>
    given([requested, sessionCreated, succeeded()]).when(recordCredit).then([credited]));
  test('session created -> failed', () =>
    given([requested, sessionCreated]).when(paymentFailed).then([failed]));
  test('session created -> expired by Stripe', () =>
    given([requested, sessionCreated]).when(expire('evt_exp')).then([expired('evt_exp')]));
  test('requested -> expired by our own timeout (no Stripe event)', () =>
    given([requested]).when(expire()).then([expired()]));
  test('a request that carries its session starts at session created', () => {
    const withSession = { ...requested, data: { ...requested.data, checkoutSessionId: SESSION } };
    expect(started([withSession]).status).toBe('session_created');
  });
});

describe('late or repeated inputs change nothing', () => {
  const paidHistory = [requested, sessionCreated, succeeded()];
  const creditedHistory = [...paidHistory, credited];
  test.each<[string, readonly TopUpEvent[], TopUpInput]>([
    ['a retried request', [requested], request],
    ['a second session record', [requested, sessionCreated], recordSession],
    ['a session record after payment', paidHistory, recordSession],
    ['the same paid event again', paidHistory, paid()],
    ['async_payment_succeeded after completed', paidHistory, paid('evt_async_ok')],
    ['expired after payment', paidHistory, expire('evt_exp')],
    ['our timeout after payment', paidHistory, expire()],
    ['async_payment_failed after payment', paidHistory, paymentFailed],
    ['the same paid event after the credit', creditedHistory, paid()],
    ['expired after the credit', creditedHistory, expire('evt_exp')],
    ['a second credit', creditedHistory, recordCredit],
    ['paid after failure', [requested, sessionCreated, failed], paid()],
    ['expiry after failure', [requested, sessionCreated, failed], expire('evt_exp')],
    ['a credit after failure', [requested, sessionCreated, failed], recordCredit],
    ['paid after expiry', [requested, sessionCreated, expired('evt_exp')], paid()],
    ['failure after expiry', [requested, sessionCreated, expired('evt_exp')], paymentFailed],
    ['the same expiry again', [requested, sessionCreated, expired('evt_exp')], expire('evt_exp')],
    ['a credit before payment', [requested, sessionCreated], recordCredit],
  ])('%s', (_name, history, input) => given(history).when(input).then([]));

  test('an input for a top-up never requested is a caller bug', () =>
    given([]).when(paid()).thenViolatesInvariant());
});

describe('what the process manager does next', () => {
  test.each<[string, readonly TopUpEvent[], string, string]>([
    ['requested', [requested], 'create_checkout_session', 'pending'],
    ['session created', [requested, sessionCreated], 'none', 'pending'],
    ['paid', [requested, sessionCreated, succeeded()], 'credit_wallet', 'pending'],
    ['credited', [requested, sessionCreated, succeeded(), credited], 'none', 'completed'],
    ['failed', [requested, sessionCreated, failed], 'none', 'failed'],
    ['expired', [requested, expired()], 'none', 'expired'],
  ])('%s: %s, public status %s', (_name, events, effect, status) => {
    expect(pendingEffect(started(events))).toBe(effect);
    expect(publicStatus(started(events))).toBe(status);
  });

  test('the credit moves the requested amount from the clearing account, id = top-up id', () => {
    const command = creditCommand(started([requested, succeeded()]), LATER);
    expect(command).toEqual({
      type: 'CreditTopUp',
      movementId: movementId('tu-1'),
      walletId: ALICE,
      amount: myr(5_000n),
      now: LATER,
    });
    const systems = [systemOpened('stripe_clearing', 'MYR')];
    const result = walletTopUpDecider.decide(
      command,
      foldEvents(walletTopUpDecider, [...systems, opened(ALICE)]),
    );
    expect(result.wallet.map((e) => e.type)).toEqual(['WalletCredited']);
    expect(result.system.map((e) => e.type)).toEqual(['WalletDebited']);
    expect(result.wallet.map(encodeWalletEvent)).toHaveLength(1);
  });

  test('only a paid top-up is credited', () =>
    expect(() => creditCommand(started([requested]), LATER)).toThrow());
});

describe('names and schemas', () => {
  test('stream id and idempotency key derive from the top-up id only', () => {
    expect(topUpStreamId(ID)).toBe('topup-tu-1');
    expect(checkoutSessionIdempotencyKey(ID)).toBe(checkoutSessionIdempotencyKey(topUpId('tu-1')));
    expect(checkoutSessionIdempotencyKey(ID)).not.toBe(
      checkoutSessionIdempotencyKey(topUpId('tu-2')),
    );
  });

  test('every event passes its schema through the codec', () => {
    const codec = createEventCodec(topUpEventDefinitions);
    const all = [requested, sessionCreated, succeeded(), failed, expired(), expired('e'), credited];
    for (const event of all) {
      const wire = JSON.parse(JSON.stringify(toWire(event.data))) as unknown;
      expect(codec.decode(event.type, 1, wire).data).toEqual(toWire(event.data));
    }
  });

  test('evolve ignores nothing: an event before TopUpRequested is a bug', () =>
    expect(() => evolveTopUp(initialTopUpState(), credited)).toThrow());
});
