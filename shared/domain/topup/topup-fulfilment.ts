// One webhook input, decided across the three streams it touches: the saga's outcome, the
// wallet credit and the clearing account's debit, returned together so the handler appends
// them in ONE transaction. That is what makes "the Stripe event id is stored with the credit"
// true: a crash can leave neither or both, never a credit without its TopUpSucceeded.
// A saga left `paid` but uncredited (the credit was refused, e.g. the wallet was closed since)
// is credited by the next input or by reconciliation, because `pendingEffect` still asks.
import { DomainError } from '../../errors/domain-error';
import { foldEvents } from '../decider';
import { movementId } from '../ids';
import { topUp } from '../wallet/system-movement.decider';
import type { WalletEvent } from '../wallet/wallet.events';
import type { WalletState } from '../wallet/wallet.state';
import type { TopUpEvent } from './topup.events';
import {
  creditCommand,
  evolveTopUp,
  nextAction,
  pendingEffect,
  type TopUpInput,
  type TopUpState,
} from './topup.saga';

export type TopUpFulfilment = Readonly<{
  topUp: readonly TopUpEvent[];
  wallet: readonly WalletEvent[];
  system: readonly WalletEvent[];
  /** Set when the saga is paid but the wallet refused the credit (for logs and metrics). */
  creditRefused: DomainError | null;
}>;

export function fulfilTopUp(
  input: TopUpInput,
  topUpState: TopUpState,
  walletState: WalletState,
  clearingState: WalletState,
): TopUpFulfilment {
  const outcome = nextAction(input, topUpState);
  const after = foldEvents({ evolve: evolveTopUp, initialState: () => topUpState }, outcome);
  if (pendingEffect(after) !== 'credit_wallet') {
    return { topUp: outcome, wallet: [], system: [], creditRefused: null };
  }
  const command = creditCommand(after, input.now);
  let credit;
  try {
    credit = topUp(command, walletState, clearingState);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { topUp: outcome, wallet: [], system: [], creditRefused: error };
  }
  const recorded = nextAction(
    { type: 'RecordCredit', movementId: movementId(command.movementId), now: input.now },
    after,
  );
  return { topUp: [...outcome, ...recorded], ...credit, creditRefused: null };
}
