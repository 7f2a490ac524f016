// The one path by which a Stripe outcome reaches the ledger, for the webhook route and for
// `tng stripe reconcile` alike: load the saga, the wallet and the Stripe clearing account,
// decide with the pure fulfilTopUp (shared/domain/topup/topup-fulfilment.ts), and append the
// saga's outcome, the wallet credit and the clearing debit in ONE append: the saga and the
// wallet at their expected versions, the clearing account (a system account) without.
// Idempotent: event ids derive from the Stripe event id, so a retried identical input whose
// first append committed (even if its reply was lost) finds its events and is a no-op; and
// the decider returns nothing for an input that does not move the saga forward. Version
// conflicts (a concurrent twin, a busy wallet) are decided again, at most
// FULFIL_ATTEMPTS_MAX times; in-process twins queue on the saga's and the accounts' locks.
import { systemWalletId, walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import { topUpStreamId } from '../../../shared/domain/topup/topup.events';
import { fulfilTopUp } from '../../../shared/domain/topup/topup-fulfilment';
import type { TopUpWebhookInput } from '../../../shared/domain/topup/stripe-inputs';
import type { CurrencyCode } from '../../../shared/domain/money/money';
import { InfraError } from '../../../shared/errors/domain-error';
import { VersionConflict, type AppendRequest } from '../../../shared/ports/event-store.port';
import { appendTo, withTraceparent } from '../new-events';
import type { PaymentDeps } from './payment-deps';
import { countTopUpOutcomes } from './top-up-metrics';

export const FULFIL_ATTEMPTS_MAX = 8;

export type FulfilOutcome = 'processed' | 'duplicate' | 'ignored' | 'amount_mismatch';

/** What the Checkout Session says was charged (currency upper-cased); null is not checked. */
export type ChargedAmount = Readonly<{
  amountTotalMinor: bigint | null;
  currency: string | null;
}>;

export async function fulfilTopUpInput(
  deps: PaymentDeps,
  mapped: TopUpWebhookInput,
  charged: ChargedAmount | null,
): Promise<FulfilOutcome> {
  const saga = await deps.topUps.load(mapped.topUpId);
  if (saga.state.status === 'absent') {
    deps.logger.warn({ topUpId: mapped.topUpId }, 'Stripe event for an unknown top-up');
    return 'ignored';
  }
  const { walletId, amount } = saga.state;
  const clearingId = systemWalletId('stripe_clearing', amount.currency);
  const lockKeys = [topUpStreamId(mapped.topUpId), walletId, clearingId];
  return deps.mutex.withKeys(lockKeys, async () => {
    for (let attempt = 1; attempt <= FULFIL_ATTEMPTS_MAX; attempt += 1) {
      const outcome = await attemptFulfil(deps, mapped, charged);
      if (outcome !== 'conflict') return outcome;
      deps.metrics.versionConflicts.inc({ command: 'fulfil_top_up' });
    }
    throw new InfraError(`top-up ${mapped.topUpId} kept changing; Stripe will retry`);
  });
}

async function attemptFulfil(
  deps: PaymentDeps,
  mapped: TopUpWebhookInput,
  charged: ChargedAmount | null,
): Promise<FulfilOutcome | 'conflict'> {
  const { input, topUpId } = mapped;
  const saga = await deps.topUps.load(topUpId);
  if (saga.state.status === 'absent') return 'ignored';
  const { walletId, amount } = saga.state;
  if (input.type === 'StripePaid' && charged && !chargedMatches(charged, amount)) {
    deps.logger.error(
      { topUpId, charged: { ...charged, amountTotalMinor: charged.amountTotalMinor?.toString() } },
      'Stripe charged another amount or currency than the top-up asked: not credited',
    );
    return 'amount_mismatch';
  }
  const clearingId = systemWalletId('stripe_clearing', amount.currency);
  const wallet = await deps.wallets.load(walletId);
  const clearing = await deps.wallets.load(clearingId);
  const decided = fulfilTopUp(input, saga.state, wallet.state, clearing.state);
  if (decided.creditRefused) {
    deps.logger.warn(
      { topUpId, walletId, code: decided.creditRefused.code },
      'top-up paid but the wallet refused the credit; it stays paid until retried',
    );
  }
  if (decided.topUp.length === 0 && decided.wallet.length === 0) return 'duplicate';
  const seed = `stripe:${'stripeEventId' in input ? input.stripeEventId : 'local'}:${topUpId}`;
  const metadata = withTraceparent({
    occurredAt: input.now.toISOString(),
    actorId: 'stripe',
    ...('stripeEventId' in input && input.stripeEventId
      ? { causationId: input.stripeEventId, correlationId: input.stripeEventId }
      : {}),
  });
  const streams = [
    appendTo(topUpStreamId(topUpId), saga.version, decided.topUp, `${seed}:saga`, metadata),
    appendTo(walletStreamId(walletId), wallet.version, decided.wallet, `${seed}:wallet`, metadata),
    appendTo(walletStreamId(clearingId), 'any', decided.system, `${seed}:system`, metadata),
  ].filter((stream) => stream.events.length > 0);
  const append: AppendRequest = { streams };
  try {
    const result = await deps.store.append(append);
    deps.onCommitted(append, result);
    if (!result.position) return 'duplicate';
    for (const stream of streams) {
      for (const event of stream.events) deps.metrics.eventsAppended.inc({ type: event.type });
    }
    countTopUpOutcomes(deps.metrics, decided.topUp);
    return 'processed';
  } catch (error) {
    if (error instanceof VersionConflict) return 'conflict';
    throw error;
  }
}

function chargedMatches(
  charged: ChargedAmount,
  amount: Readonly<{ currency: CurrencyCode; amountMinor: bigint }>,
): boolean {
  const total = charged.amountTotalMinor;
  const amountOk = total === null || total === amount.amountMinor;
  const currencyOk = charged.currency === null || charged.currency === amount.currency;
  return amountOk && currencyOk;
}
