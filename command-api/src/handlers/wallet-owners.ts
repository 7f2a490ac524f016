// Loads that tie a wallet to its owner, for handlers to decide with.
// A wallet the caller does not own answers exactly like a missing one. Plans are read from the
// owners' user streams (authoritative, not the token's claim, which can be up to 15 minutes
// old). Wallets without an owner count as FREE, which only matters for user wallets: merchant
// and system wallets have no balance maximum.
import type { Loaded } from '../../../shared/aggregates/aggregate-repository';
import type { Plan } from '../../../shared/domain/plans/plan-limits';
import type { WalletState } from '../../../shared/domain/wallet/wallet.state';
import type { CommandDeps } from '../command-deps';
import { notFound } from '../not-found';

/**
 * A wallet the caller owns; anyone else's, or none, is 404 "no such <what>" (a hold's wallet
 * says "hold"). A failed load propagates as it is: an unreachable store is 503, never a 404
 * that tells the client the thing is gone.
 */
export async function loadOwnWallet(
  deps: CommandDeps,
  walletId: string,
  callerId: string,
  what: 'wallet' | 'hold' = 'wallet',
): Promise<Loaded<WalletState>> {
  const loaded = await deps.wallets.load(walletId);
  if (loaded.state.status === 'absent' || loaded.state.ownerId !== callerId) throw notFound(what);
  return loaded;
}

export async function loadOwnerPlan(deps: CommandDeps, wallet: WalletState): Promise<Plan> {
  if (wallet.status === 'absent' || wallet.ownerId === null) return 'FREE';
  const { state } = await deps.users.load(wallet.ownerId);
  return state.status === 'registered' ? state.plan : 'FREE';
}
