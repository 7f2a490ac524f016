// Single-wallet commands and holds: open, place / capture / release a hold, freeze, unfreeze,
// admin adjustments. Each returns an Outcome for runCommand; none performs I/O beyond loading
// state. Hold ids map to their wallet through a unique claim written with the HoldPlaced
// event, so a capture finds its wallet without waiting for a read model.
import { DomainError } from '../../../shared/errors/domain-error';
import { money, type CurrencyCode } from '../../../shared/domain/money/money';
import {
  holdId as toHoldId,
  movementId as toMovementId,
  userId as toUserId,
  walletId as toWalletId,
} from '../../../shared/domain/ids';
import { captureHold } from '../../../shared/domain/wallet/capture-hold.decider';
import { expireHolds, placeHold, releaseHold } from '../../../shared/domain/wallet/hold.decider';
import {
  freezeWallet,
  openWallet,
  unfreezeWallet,
} from '../../../shared/domain/wallet/wallet-lifecycle.decider';
import { adjustment } from '../../../shared/domain/wallet/system-movement.decider';
import type { WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import { systemWalletId, walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import type { WalletState } from '../../../shared/domain/wallet/wallet.state';
import type { EventMetadata } from '../../../shared/ports/event-store.port';
import type { CommandDeps } from '../command-deps';
import type { Outcome } from '../command-runner';
import type { Loaded } from '../../../shared/aggregates/aggregate-repository';
import { newEvents } from '../new-events';
import { ownerPlan } from './owner-plan';

export const HOLD_CLAIM_SCOPE = 'hold';
type Ctx = Readonly<{ callerId: string; seed: string; metadata: EventMetadata; now: Date }>;

const notFound = (what: string) => new DomainError('not_found', `no such ${what}`);
const streamOf = (walletId: string) => walletStreamId(toWalletId(walletId));

/**
 * Loads a wallet the caller owns; anyone else's answers 404 "no such <what>" (a hold's
 * wallet says "hold"). A failure to load propagates as it is: the store being unreachable
 * is 503, never a 404 that tells the client the thing is gone.
 */
export async function ownWallet(
  deps: CommandDeps,
  walletId: string,
  callerId: string,
  what: 'wallet' | 'hold' = 'wallet',
) {
  const loaded = await deps.wallets.load(walletId);
  if (loaded.state.status === 'absent' || loaded.state.ownerId !== callerId) throw notFound(what);
  return loaded;
}

/** Expired holds are expired before any decision, so they never block available funds. */
function withExpiredHolds(deps: CommandDeps, loaded: Loaded<WalletState>, now: Date) {
  const expired: WalletEvent[] = expireHolds(loaded.state, now);
  return { expired, state: expired.reduce(deps.wallets.evolveWith, loaded.state) };
}

export function decideOpenWallet(
  walletId: string,
  currency: CurrencyCode,
  kind: 'user' | 'merchant',
  ctx: Ctx,
): Outcome {
  const events = openWallet(
    {
      type: 'OpenWallet',
      walletId: toWalletId(walletId),
      ownerId: toUserId(ctx.callerId),
      kind,
      currency,
    },
    { status: 'absent' },
  );
  return {
    status: 201,
    body: { walletId, ownerId: ctx.callerId, currency, status: 'active' },
    append: {
      streams: [
        {
          streamId: streamOf(walletId),
          expectedVersion: 'no-stream',
          events: newEvents(events, ctx.seed, ctx.metadata),
        },
      ],
    },
  };
}

export async function decidePlaceHold(
  deps: CommandDeps,
  input: Readonly<{
    walletId: string;
    holdId: string;
    amountMinor: bigint;
    currency: CurrencyCode;
    reason: string;
    expiresInSeconds?: number;
  }>,
  ctx: Ctx,
): Promise<Outcome> {
  const loaded = await ownWallet(deps, input.walletId, ctx.callerId);
  const { expired, state } = withExpiredHolds(deps, loaded, ctx.now);
  const events = placeHold(
    {
      type: 'PlaceHold',
      walletId: toWalletId(input.walletId),
      holdId: toHoldId(input.holdId),
      amount: money(input.currency, input.amountMinor),
      reason: input.reason,
      ...(input.expiresInSeconds !== undefined ? { expiresInSeconds: input.expiresInSeconds } : {}),
      actorPlan: await ownerPlan(deps, state),
      now: ctx.now,
    },
    state,
  );
  const placed = events.find((event) => event.type === 'HoldPlaced');
  const expiresAt = placed?.type === 'HoldPlaced' ? placed.data.expiresAt : null;
  return {
    status: 201,
    body: { holdId: input.holdId, walletId: input.walletId, status: 'active', expiresAt },
    append: {
      streams: [
        {
          streamId: streamOf(input.walletId),
          expectedVersion: loaded.version,
          events: newEvents([...expired, ...events], ctx.seed, ctx.metadata),
        },
      ],
      uniqueClaims: [{ scope: HOLD_CLAIM_SCOPE, value: input.holdId, ownerId: input.walletId }],
    },
  };
}

export async function holdWallet(deps: CommandDeps, holdId: string): Promise<string> {
  const walletId = await deps.store.findUniqueClaim(HOLD_CLAIM_SCOPE, holdId);
  if (!walletId) throw notFound('hold');
  return walletId;
}

export async function decideCaptureHold(
  deps: CommandDeps,
  input: Readonly<{
    walletId: string;
    holdId: string;
    targetWalletId: string;
    amountMinor?: bigint;
  }>,
  ctx: Ctx,
): Promise<Outcome> {
  const source = await ownWallet(deps, input.walletId, ctx.callerId, 'hold');
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
      targetPlan: await ownerPlan(deps, target.state),
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
  const userTarget = target.state.kind === 'user';
  return {
    status: 200,
    body,
    append: {
      streams: [
        {
          streamId: streamOf(input.walletId),
          expectedVersion: source.version,
          events: newEvents([...expired, ...decided.source], `${ctx.seed}:source`, ctx.metadata),
        },
        {
          streamId: streamOf(input.targetWalletId),
          expectedVersion: userTarget ? target.version : 'any',
          events: newEvents(decided.target, `${ctx.seed}:target`, ctx.metadata),
        },
      ],
    },
  };
}

export async function decideReleaseHold(
  deps: CommandDeps,
  input: Readonly<{
    walletId: string;
    holdId: string;
  }>,
  ctx: Ctx,
): Promise<Outcome> {
  const loaded = await ownWallet(deps, input.walletId, ctx.callerId, 'hold');
  const { expired, state } = withExpiredHolds(deps, loaded, ctx.now);
  const events = releaseHold(
    { type: 'ReleaseHold', walletId: toWalletId(input.walletId), holdId: toHoldId(input.holdId) },
    state,
  );
  return {
    status: 200,
    body: { holdId: input.holdId, status: 'released' },
    append: {
      streams: [
        {
          streamId: streamOf(input.walletId),
          expectedVersion: loaded.version,
          events: newEvents([...expired, ...events], ctx.seed, ctx.metadata),
        },
      ],
    },
  };
}

export async function decideFreeze(
  deps: CommandDeps,
  input: Readonly<{
    walletId: string;
    freeze: boolean;
    reason: string;
  }>,
  ctx: Ctx,
): Promise<Outcome> {
  const loaded = await deps.wallets.load(input.walletId);
  const walletId = toWalletId(input.walletId);
  const events = input.freeze
    ? freezeWallet({ type: 'FreezeWallet', walletId, reason: input.reason }, loaded.state)
    : unfreezeWallet({ type: 'UnfreezeWallet', walletId }, loaded.state);
  return {
    status: 200,
    body: { walletId: input.walletId, status: input.freeze ? 'frozen' : 'active' },
    append: {
      streams: [
        {
          streamId: streamOf(input.walletId),
          expectedVersion: loaded.version,
          events: newEvents(events, ctx.seed, ctx.metadata),
        },
      ],
    },
  };
}

export async function decideAdjustment(
  deps: CommandDeps,
  input: Readonly<{
    walletId: string;
    amountMinor: bigint;
    currency: CurrencyCode;
    direction: 'credit' | 'debit';
    reason: string;
  }>,
  ctx: Ctx,
): Promise<Outcome> {
  const wallet = await deps.wallets.load(input.walletId);
  const systemId = systemWalletId('adjustments', input.currency);
  const system = await deps.wallets.load(systemId);
  const decided = adjustment(
    {
      type: 'AdjustBalance',
      movementId: toMovementId(ctx.seed),
      walletId: toWalletId(input.walletId),
      direction: input.direction,
      amount: money(input.currency, input.amountMinor),
      reason: input.reason,
      now: ctx.now,
    },
    wallet.state,
    system.state,
  );
  return {
    status: 201,
    body: {
      transactionId: ctx.seed,
      adjustmentId: ctx.seed,
      walletId: input.walletId,
      direction: input.direction,
      amount: input.amountMinor.toString(),
      currency: input.currency,
      status: 'completed',
    },
    append: {
      streams: [
        {
          streamId: streamOf(input.walletId),
          expectedVersion: wallet.version,
          events: newEvents(decided.wallet, `${ctx.seed}:wallet`, ctx.metadata),
        },
        {
          streamId: streamOf(systemId),
          expectedVersion: 'any',
          events: newEvents(decided.system, `${ctx.seed}:system`, ctx.metadata),
        },
      ],
    },
  };
}
