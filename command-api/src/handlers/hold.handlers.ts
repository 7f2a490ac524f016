// Holds: place, capture, release. Each handler loads the wallet(s), decides with the pure
// deciders of shared/domain/wallet, and returns what to append. Hold ids map to their wallet
// through a unique claim written with the HoldPlaced event, so a capture finds its wallet
// without waiting for a read model. Expired holds are expired before any decision, so they
// never block available funds.
import type { Loaded } from '../../../shared/aggregates/aggregate-repository';
import { money, type CurrencyCode } from '../../../shared/domain/money/money';
import {
  holdId as toHoldId,
  movementId as toMovementId,
  walletId as toWalletId,
} from '../../../shared/domain/ids';
import { captureHold } from '../../../shared/domain/wallet/capture-hold.decider';
import { expireHolds, placeHold, releaseHold } from '../../../shared/domain/wallet/hold.decider';
import type { WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import type { WalletState } from '../../../shared/domain/wallet/wallet.state';
import { walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import type { HandlerContext } from '../command-context';
import type { CommandDeps } from '../command-deps';
import type { Outcome } from '../command-runner';
import { appendTo } from '../new-events';
import { notFound } from '../not-found';
import { loadOwnerPlan, loadOwnWallet } from './wallet-owners';

export const HOLD_CLAIM_SCOPE = 'hold';

const streamOf = (walletId: string) => walletStreamId(toWalletId(walletId));

/** The wallet a hold was placed on; an unknown hold is 404. */
export async function findHoldWallet(deps: CommandDeps, holdId: string): Promise<string> {
  const walletId = await deps.store.findUniqueClaim(HOLD_CLAIM_SCOPE, holdId);
  if (!walletId) throw notFound('hold');
  return walletId;
}

/** The holds expired by `now`, and the state after them. */
function withExpiredHolds(deps: CommandDeps, loaded: Loaded<WalletState>, now: Date) {
  const expired: WalletEvent[] = expireHolds(loaded.state, now);
  return { expired, state: expired.reduce(deps.wallets.evolveWith, loaded.state) };
}

export async function handlePlaceHold(
  deps: CommandDeps,
  input: Readonly<{
    walletId: string;
    holdId: string;
    amountMinor: bigint;
    currency: CurrencyCode;
    reason: string;
    expiresInSeconds?: number;
  }>,
  ctx: HandlerContext,
): Promise<Outcome> {
  const loaded = await loadOwnWallet(deps, input.walletId, ctx.callerId);
  const { expired, state } = withExpiredHolds(deps, loaded, ctx.now);
  const events = placeHold(
    {
      type: 'PlaceHold',
      walletId: toWalletId(input.walletId),
      holdId: toHoldId(input.holdId),
      amount: money(input.currency, input.amountMinor),
      reason: input.reason,
      ...(input.expiresInSeconds !== undefined ? { expiresInSeconds: input.expiresInSeconds } : {}),
      actorPlan: await loadOwnerPlan(deps, state),
      now: ctx.now,
    },
    state,
  );
  const placed = events.find((event) => event.type === 'HoldPlaced');
  const expiresAt = placed?.type === 'HoldPlaced' ? placed.data.expiresAt : null;
  const changed = [...expired, ...events];
  const stream = streamOf(input.walletId);
  return {
    status: 201,
    body: { holdId: input.holdId, walletId: input.walletId, status: 'active', expiresAt },
    append: {
      streams: [appendTo(stream, loaded.version, changed, ctx.seed, ctx.metadata)],
      uniqueClaims: [{ scope: HOLD_CLAIM_SCOPE, value: input.holdId, ownerId: input.walletId }],
    },
  };
}

export async function handleCaptureHold(
  deps: CommandDeps,
  input: Readonly<{
    walletId: string;
    holdId: string;
    targetWalletId: string;
    amountMinor?: bigint;
  }>,
  ctx: HandlerContext,
): Promise<Outcome> {
  const source = await loadOwnWallet(deps, input.walletId, ctx.callerId, 'hold');
  const { expired, state } = withExpiredHolds(deps, source, ctx.now);
  const target = await deps.wallets.load(input.targetWalletId);
  if (target.state.status === 'absent') throw notFound('wallet');
  const currency = source.state.status === 'absent' ? 'MYR' : source.state.currency;
  const decided = captureHold(
    {
      type: 'CaptureHold',
      walletId: toWalletId(input.walletId),
      holdId: toHoldId(input.holdId),
      movementId: toMovementId(ctx.seed),
      targetWalletId: toWalletId(input.targetWalletId),
      ...(input.amountMinor !== undefined ? { amount: money(currency, input.amountMinor) } : {}),
      targetPlan: await loadOwnerPlan(deps, target.state),
      now: ctx.now,
    },
    state,
    target.state,
  );
  const captured = decided.source.find((event) => event.type === 'HoldCaptured');
  // The movement's id is the one history and GET /v1/transactions/:transactionId know it by.
  const body =
    captured?.type === 'HoldCaptured'
      ? {
          holdId: input.holdId,
          transactionId: ctx.seed,
          status: 'captured',
          targetWalletId: input.targetWalletId,
          capturedAmount: captured.data.capturedAmountMinor.toString(),
          releasedAmount: captured.data.releasedAmountMinor.toString(),
        }
      : { holdId: input.holdId, transactionId: ctx.seed, status: 'captured' };
  // A user wallet has a plan maximum, checked against this exact state.
  const targetVersion = target.state.kind === 'user' ? target.version : 'any';
  const { seed, metadata } = ctx;
  return {
    status: 200,
    body,
    append: {
      streams: [
        appendTo(
          streamOf(input.walletId),
          source.version,
          [...expired, ...decided.source],
          `${seed}:source`,
          metadata,
        ),
        appendTo(
          streamOf(input.targetWalletId),
          targetVersion,
          decided.target,
          `${seed}:target`,
          metadata,
        ),
      ],
    },
  };
}

export async function handleReleaseHold(
  deps: CommandDeps,
  input: Readonly<{ walletId: string; holdId: string }>,
  ctx: HandlerContext,
): Promise<Outcome> {
  const loaded = await loadOwnWallet(deps, input.walletId, ctx.callerId, 'hold');
  const { expired, state } = withExpiredHolds(deps, loaded, ctx.now);
  const events = releaseHold(
    { type: 'ReleaseHold', walletId: toWalletId(input.walletId), holdId: toHoldId(input.holdId) },
    state,
  );
  const changed = [...expired, ...events];
  const stream = streamOf(input.walletId);
  return {
    status: 200,
    body: { holdId: input.holdId, status: 'released' },
    append: {
      streams: [appendTo(stream, loaded.version, changed, ctx.seed, ctx.metadata)],
    },
  };
}
