// Transfers between customers and payments to merchants. The source is appended with its
// expected version (no double spending); the target with its exact version only when a
// balance maximum applies to it (user wallets), otherwise without a check, so a hot merchant
// wallet never makes payers retry. A business rejection is recorded on the source as
// TransferRejected and returned as the Outcome's rejection, carrying the transferId (the
// runner answers it 422 and stores that answer under the Idempotency-Key).
import { DomainError } from '../../../shared/errors/domain-error';
import { money, type CurrencyCode } from '../../../shared/domain/money/money';
import { movementId as toMovementId, walletId as toWalletId } from '../../../shared/domain/ids';
import { payment, transfer } from '../../../shared/domain/wallet/movement.decider';
import { rejectionEvents } from '../../../shared/domain/wallet/rejection';
import type { PayMerchant, TransferMoney } from '../../../shared/domain/wallet/wallet.commands';
import type { WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import { walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import type { WalletState } from '../../../shared/domain/wallet/wallet.state';
import type { EventMetadata, ExpectedVersion } from '../../../shared/ports/event-store.port';
import type { CommandDeps } from '../command-deps';
import type { Outcome } from '../command-runner';
import type { Loaded } from '../../../shared/aggregates/aggregate-repository';
import { appendTo } from '../new-events';
import { loadOwnerPlan, loadOwnWallet } from './wallet-owners';

export type MovementInput = Readonly<{
  kind: 'transfer' | 'payment';
  movementId: string;
  callerId: string;
  sourceWalletId: string;
  targetWalletId: string;
  amountMinor: bigint;
  currency: CurrencyCode;
  note?: string;
  reference?: string;
  metadata: EventMetadata;
  now: Date;
  /** Events that open the target first (a merchant's wallet on its first payment). */
  openTarget?: (target: Loaded<WalletState>) => WalletEvent[];
}>;

export async function handleMovement(deps: CommandDeps, input: MovementInput): Promise<Outcome> {
  const source = await loadOwnWallet(deps, input.sourceWalletId, input.callerId);
  const target = await deps.wallets.load(input.targetWalletId);
  const opening = input.openTarget?.(target) ?? [];
  const targetState = opening.reduce(deps.wallets.evolveWith, target.state);
  const command = await commandOf(deps, input, source.state, targetState);
  let decided: { source: WalletEvent[]; target: WalletEvent[] };
  try {
    decided =
      input.kind === 'transfer'
        ? transfer(command as TransferMoney, source.state, targetState)
        : payment(command as PayMerchant, source.state, targetState);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const recorded = rejectionEvents(command, error, source.state);
    if (recorded.length === 0) throw error;
    return rejected(input, error, recorded);
  }
  const body = accepted(input);
  if (decided.source.length === 0) return { status: 201, body }; // An exact retry: no change.
  const { movementId, metadata } = input;
  return {
    status: 201,
    body,
    append: {
      streams: [
        appendTo(
          streamOf(input.sourceWalletId),
          source.version,
          decided.source,
          `${movementId}:source`,
          metadata,
        ),
        appendTo(
          streamOf(input.targetWalletId),
          targetExpectation(target, opening.length > 0),
          [...opening, ...decided.target],
          `${movementId}:target`,
          metadata,
        ),
      ],
    },
  };
}

const streamOf = (walletId: string) => walletStreamId(toWalletId(walletId));

function targetExpectation(target: Loaded<WalletState>, opening: boolean): ExpectedVersion {
  if (opening) return 'no-stream';
  // A user wallet has a plan maximum, checked against this exact state.
  return target.state.status !== 'absent' && target.state.kind === 'user' ? target.version : 'any';
}

async function commandOf(
  deps: CommandDeps,
  input: MovementInput,
  source: WalletState,
  target: WalletState,
): Promise<TransferMoney | PayMerchant> {
  const common = {
    movementId: toMovementId(input.movementId),
    sourceWalletId: toWalletId(input.sourceWalletId),
    targetWalletId: toWalletId(input.targetWalletId),
    amount: money(input.currency, input.amountMinor),
    ...(input.note !== undefined ? { note: input.note } : {}),
    actorPlan: await loadOwnerPlan(deps, source),
    now: input.now,
  };
  if (input.kind === 'payment') {
    return { type: 'PayMerchant', ...common, reference: input.reference ?? '' };
  }
  return { type: 'TransferMoney', ...common, targetPlan: await loadOwnerPlan(deps, target) };
}

const idField = (input: MovementInput) =>
  input.kind === 'transfer' ? { transferId: input.movementId } : { paymentId: input.movementId };

function accepted(input: MovementInput) {
  return {
    ...idField(input),
    status: 'completed',
    sourceWalletId: input.sourceWalletId,
    targetWalletId: input.targetWalletId,
    amount: input.amountMinor.toString(),
    currency: input.currency,
    ...(input.reference ? { reference: input.reference } : {}),
  };
}

/** The rejection, recorded on the source and answered with the movement's id. */
function rejected(input: MovementInput, error: DomainError, events: WalletEvent[]): Outcome {
  // The rejection's own details (which limit, the amount) help a client say why in words.
  const details = { ...error.details, ...idField(input) };
  const seed = `${input.movementId}:rejected`;
  return {
    rejection: new DomainError(error.code, error.message, details),
    append: {
      streams: [appendTo(streamOf(input.sourceWalletId), 'any', events, seed, input.metadata)],
    },
  };
}
