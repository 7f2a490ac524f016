// POST /v1/wallets/:walletId/top-ups, in three steps, each safe to repeat:
// 1. check the request against the caller's wallet (checkTopUpRequest: owner, open, not
//    frozen, currency, plan maximum) and append TopUpRequested to the saga's stream, its
//    event id derived from the top-up id (itself derived from the Idempotency-Key);
// 2. create the Checkout Session with the deterministic key checkoutSessionIdempotencyKey,
//    so a retry gets the same session and URL from the processor; if it is unreachable this
//    throws PaymentsUnavailable (503) and nothing is stored under the Idempotency-Key;
// 3. through the command runner, append CheckoutSessionCreated with the response stored under
//    the Idempotency-Key, so from then on a retry replays it byte for byte.
// A retry of a finished request gets the stored response first, whatever changed since.
// A retry after a 503 starts again at 1 and finds the stream (no new event), the same session
// at the processor, and finishes the same top-up.
import { money, type CurrencyCode } from '../../../shared/domain/money/money';
import {
  checkoutSessionIdempotencyKey,
  topUpId as toTopUpId,
  topUpStreamId,
} from '../../../shared/domain/topup/topup.events';
import { nextAction } from '../../../shared/domain/topup/topup.saga';
import { walletId as toWalletId } from '../../../shared/domain/ids';
import { checkTopUpRequest } from '../../../shared/domain/wallet/system-movement.decider';
import { encodePosition, VersionConflict } from '../../../shared/ports/event-store.port';
import { storedResponse } from '../idempotency';
import type { CommandContext } from '../command-context';
import { runCommand, type CommandReply } from '../command-runner';
import { appendTo } from '../new-events';
import { loadOwnerPlan, loadOwnWallet } from '../handlers/wallet-owners';
import type { PaymentDeps } from './payment-deps';

export type TopUpRequest = Readonly<{
  walletId: string;
  amountMinor: bigint;
  currency: CurrencyCode;
}>;

export async function requestTopUp(
  deps: PaymentDeps,
  request: TopUpRequest,
  ctx: CommandContext,
): Promise<CommandReply> {
  // A finished request is answered as stored, before any check that its own credit may
  // have changed since (the plan maximum, say).
  const stored = ctx.idempotency ? await storedResponse(deps.store, ctx.idempotency) : null;
  if (stored) {
    const position = encodePosition(await deps.store.headPosition());
    return { status: stored.responseStatus, body: stored.responseBody, position };
  }
  const topUpId = toTopUpId(ctx.seed);
  const amount = money(request.currency, request.amountMinor);
  await recordRequest(deps, { ...request, topUpId }, ctx);
  // The saga's cached state predates the request's own event: read the stream again.
  deps.topUps.forget(topUpId);
  const link = await deps.payments.createTopUpCheckout({
    topUpId,
    walletId: request.walletId,
    amount,
    idempotencyKey: checkoutSessionIdempotencyKey(topUpId),
  });
  return runCommand(deps, {
    name: 'top_up',
    lockKeys: [topUpStreamId(topUpId)],
    idempotency: ctx.idempotency,
    handle: async () => {
      const saga = await deps.topUps.load(topUpId);
      const input = {
        type: 'RecordCheckoutSession',
        checkoutSessionId: link.sessionId,
        checkoutUrl: link.url,
        now: ctx.now,
      } as const;
      const events = nextAction(input, saga.state);
      const stream = appendTo(topUpStreamId(topUpId), saga.version, events, `${ctx.seed}:session`, ctx.metadata);
      return {
        status: 201,
        body: { topUpId, status: 'pending', checkoutUrl: link.url },
        append: { streams: [stream] },
      };
    },
  });
}

async function recordRequest(
  deps: PaymentDeps,
  request: TopUpRequest & Readonly<{ topUpId: ReturnType<typeof toTopUpId> }>,
  ctx: CommandContext,
): Promise<void> {
  const wallet = await loadOwnWallet(deps, request.walletId, ctx.callerId);
  const amount = money(request.currency, request.amountMinor);
  const walletId = toWalletId(request.walletId);
  const plan = await loadOwnerPlan(deps, wallet.state);
  checkTopUpRequest({ walletId, amount, plan }, wallet.state);
  const saga = await deps.topUps.load(request.topUpId);
  const input = { type: 'RequestTopUp', topUpId: request.topUpId, walletId, amount, now: ctx.now } as const;
  const events = nextAction(input, saga.state);
  if (events.length === 0) return; // a retry: the top-up was requested already
  const stream = appendTo(topUpStreamId(request.topUpId), 'no-stream', events, `${ctx.seed}:request`, ctx.metadata);
  try {
    const result = await deps.store.append({ streams: [stream] });
    if (result.position) {
      deps.metrics.topUps.inc({ outcome: 'requested' });
      deps.metrics.eventsAppended.inc({ type: 'TopUpRequested' });
    }
  } catch (error) {
    if (!(error instanceof VersionConflict)) throw error; // a twin request recorded it first
  }
}
