// The top-up saga as a decider: a forward-only state machine
//   requested -> session_created -> paid -> credited;   failed and expired are terminal.
// `decide` (alias nextAction) turns one input (ours or Stripe's, already mapped by
// stripe-inputs.ts) into events; an input that does not move the machine forward (the same
// Stripe event again, `expired` after payment, a second success) returns no events, so a
// webhook delivered ten times, late or out of order, changes nothing after the first decisive
// one. `pendingEffect` tells the process manager what to do next (create the session, or
// credit the wallet with `creditCommand`); the effects themselves live outside the domain.
import { assert } from '../../errors/assert';
import type { Decider } from '../decider';
import type { MovementId, WalletId } from '../ids';
import { movementId } from '../ids';
import type { Money } from '../money/money';
import type { CreditTopUp } from '../wallet/wallet.commands';
import type { TopUpEvent, TopUpId } from './topup.events';

export type TopUpStatus =
  | 'requested'
  | 'session_created'
  | 'paid'
  | 'credited'
  | 'failed'
  | 'expired';

export type TopUpState =
  | Readonly<{ status: 'absent' }>
  | Readonly<{
      status: TopUpStatus;
      topUpId: TopUpId;
      walletId: WalletId;
      amount: Money;
      checkoutSessionId: string | null;
      /** The Stripe event that decided the outcome, for audit and reconciliation. */
      decidedBy: string | null;
      movementId: MovementId | null;
    }>;
export type StartedTopUp = Exclude<TopUpState, Readonly<{ status: 'absent' }>>;

export type TopUpInput =
  | Readonly<{
      type: 'RequestTopUp';
      topUpId: TopUpId;
      walletId: WalletId;
      amount: Money;
      now: Date;
    }>
  | Readonly<{
      type: 'RecordCheckoutSession';
      checkoutSessionId: string;
      checkoutUrl: string;
      now: Date;
    }>
  | Readonly<{ type: 'StripePaid'; stripeEventId: string; paymentIntent?: string; now: Date }>
  | Readonly<{ type: 'StripePaymentFailed'; stripeEventId: string; now: Date }>
  /** From `checkout.session.expired`, or from our own timeout (no Stripe event id). */
  | Readonly<{ type: 'Expire'; stripeEventId?: string; now: Date }>
  | Readonly<{ type: 'RecordCredit'; movementId: MovementId; now: Date }>;

const NO_EVENTS: readonly TopUpEvent[] = [];
const OPEN: ReadonlySet<TopUpStatus> = new Set(['requested', 'session_created']);

export const initialTopUpState = (): TopUpState => ({ status: 'absent' });

export function evolveTopUp(state: TopUpState, event: TopUpEvent): TopUpState {
  if (event.type === 'TopUpRequested') {
    const { data } = event;
    return {
      status: data.checkoutSessionId === undefined ? 'requested' : 'session_created',
      topUpId: data.topUpId,
      walletId: data.walletId,
      amount: { currency: data.currency, amountMinor: data.amountMinor },
      checkoutSessionId: data.checkoutSessionId ?? null,
      decidedBy: null,
      movementId: null,
    };
  }
  assert(state.status !== 'absent', `${event.type} before TopUpRequested`);
  switch (event.type) {
    case 'CheckoutSessionCreated':
      return {
        ...state,
        status: 'session_created',
        checkoutSessionId: event.data.checkoutSessionId,
      };
    case 'TopUpSucceeded':
      return { ...state, status: 'paid', decidedBy: event.data.stripeEventId };
    case 'TopUpFailed':
      return { ...state, status: 'failed', decidedBy: event.data.stripeEventId };
    case 'TopUpExpired':
      return { ...state, status: 'expired', decidedBy: event.data.stripeEventId ?? null };
    case 'TopUpCredited':
      return { ...state, status: 'credited', movementId: event.data.movementId };
  }
}

export function nextAction(input: TopUpInput, state: TopUpState): readonly TopUpEvent[] {
  const at = input.now.toISOString();
  if (input.type === 'RequestTopUp') {
    if (state.status !== 'absent') return NO_EVENTS; // a retried request
    const { topUpId, walletId, amount } = input;
    assert(amount.amountMinor > 0n, 'a top-up moves a positive amount');
    const data = { topUpId, walletId, currency: amount.currency, amountMinor: amount.amountMinor };
    return [{ type: 'TopUpRequested', data: { ...data, requestedAt: at } }];
  }
  // Webhooks carry our top-up id, so an input for an unknown top-up is a caller's bug.
  assert(state.status !== 'absent', `${input.type} for a top-up that was never requested`);
  const { topUpId } = state;
  switch (input.type) {
    case 'RecordCheckoutSession':
      if (state.status !== 'requested') return NO_EVENTS;
      return [
        {
          type: 'CheckoutSessionCreated',
          data: {
            topUpId,
            checkoutSessionId: input.checkoutSessionId,
            checkoutUrl: input.checkoutUrl,
            createdAt: at,
          },
        },
      ];
    case 'StripePaid':
      // Also from `requested`: the session may exist at Stripe although we crashed before
      // recording it. Payment is the customer's money taken: it is never undone here.
      if (!OPEN.has(state.status)) return NO_EVENTS;
      return [
        {
          type: 'TopUpSucceeded',
          data: {
            topUpId,
            stripeEventId: input.stripeEventId,
            paymentIntent: input.paymentIntent,
            succeededAt: at,
          },
        },
      ];
    case 'StripePaymentFailed':
      if (!OPEN.has(state.status)) return NO_EVENTS;
      return [
        {
          type: 'TopUpFailed',
          data: { topUpId, stripeEventId: input.stripeEventId, failedAt: at },
        },
      ];
    case 'Expire':
      if (!OPEN.has(state.status)) return NO_EVENTS;
      return [
        {
          type: 'TopUpExpired',
          data: { topUpId, stripeEventId: input.stripeEventId, expiredAt: at },
        },
      ];
    case 'RecordCredit':
      if (state.status !== 'paid') return NO_EVENTS;
      return [
        { type: 'TopUpCredited', data: { topUpId, movementId: input.movementId, creditedAt: at } },
      ];
  }
}

export const topUpDecider: Decider<TopUpInput, TopUpEvent, TopUpState> = {
  decide: nextAction,
  evolve: evolveTopUp,
  initialState: initialTopUpState,
};

export type TopUpEffect = 'create_checkout_session' | 'credit_wallet' | 'none';

/** What the process manager must do for this state; `none` once the saga is settled. */
export function pendingEffect(state: TopUpState): TopUpEffect {
  if (state.status === 'requested') return 'create_checkout_session';
  if (state.status === 'paid') return 'credit_wallet';
  return 'none';
}

/**
 * The wallet credit of a paid top-up (system-movement.decider.ts `topUp`, from the
 * `stripe_clearing` account). The movement id is the top-up id, so the wallet's own
 * duplicate-movement check makes a re-run credit a no-op.
 */
export function creditCommand(state: TopUpState, now: Date): CreditTopUp {
  assert(state.status === 'paid', 'only a paid top-up is credited');
  return {
    type: 'CreditTopUp',
    movementId: movementId(state.topUpId),
    walletId: state.walletId,
    amount: state.amount,
    now,
  };
}

/** The status a top-up is reported with to its client: pending, completed, failed or expired. */
export function publicStatus(state: StartedTopUp): 'pending' | 'completed' | 'failed' | 'expired' {
  if (state.status === 'credited') return 'completed';
  if (state.status === 'failed' || state.status === 'expired') return state.status;
  return 'pending';
}
