// A wallet's life and the admin's hand on it: open, freeze, unfreeze, adjust. Opening needs
// no state (the wallet id is new), so decideOpenWallet is pure; the others load the wallet,
// decide with the pure deciders of shared/domain/wallet, and return what to append.
import { money, type CurrencyCode } from '../../../shared/domain/money/money';
import {
  movementId as toMovementId,
  userId as toUserId,
  walletId as toWalletId,
} from '../../../shared/domain/ids';
import {
  freezeWallet,
  openWallet,
  unfreezeWallet,
} from '../../../shared/domain/wallet/wallet-lifecycle.decider';
import { adjustment } from '../../../shared/domain/wallet/system-movement.decider';
import { systemWalletId, walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import type { HandlerContext } from '../command-context';
import type { CommandDeps } from '../command-deps';
import type { Outcome } from '../command-runner';
import { appendTo } from '../new-events';

const streamOf = (walletId: string) => walletStreamId(toWalletId(walletId));

export function decideOpenWallet(
  walletId: string,
  currency: CurrencyCode,
  kind: 'user' | 'merchant',
  ctx: HandlerContext,
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
    append: { streams: [appendTo(streamOf(walletId), 'no-stream', events, ctx.seed, ctx.metadata)] },
  };
}

export async function handleFreeze(
  deps: CommandDeps,
  input: Readonly<{
    walletId: string;
    freeze: boolean;
    reason: string;
  }>,
  ctx: HandlerContext,
): Promise<Outcome> {
  const loaded = await deps.wallets.load(input.walletId);
  const walletId = toWalletId(input.walletId);
  const events = input.freeze
    ? freezeWallet({ type: 'FreezeWallet', walletId, reason: input.reason }, loaded.state)
    : unfreezeWallet({ type: 'UnfreezeWallet', walletId }, loaded.state);
  const stream = streamOf(input.walletId);
  return {
    status: 200,
    body: { walletId: input.walletId, status: input.freeze ? 'frozen' : 'active' },
    append: { streams: [appendTo(stream, loaded.version, events, ctx.seed, ctx.metadata)] },
  };
}

export async function handleAdjustment(
  deps: CommandDeps,
  input: Readonly<{
    walletId: string;
    amountMinor: bigint;
    currency: CurrencyCode;
    direction: 'credit' | 'debit';
    reason: string;
  }>,
  ctx: HandlerContext,
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
  const { seed, metadata } = ctx;
  return {
    status: 201,
    body: {
      transactionId: seed,
      adjustmentId: seed,
      walletId: input.walletId,
      direction: input.direction,
      amount: input.amountMinor.toString(),
      currency: input.currency,
      status: 'completed',
    },
    append: {
      streams: [
        appendTo(streamOf(input.walletId), wallet.version, decided.wallet, `${seed}:wallet`, metadata),
        appendTo(streamOf(systemId), 'any', decided.system, `${seed}:system`, metadata),
      ],
    },
  };
}
