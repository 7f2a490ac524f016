// Plans of wallet owners, read from their user streams (authoritative, not the token's
// claim, which can be up to 15 minutes old). Wallets without an owner count as FREE, which
// only matters for user wallets: merchant and system wallets have no balance maximum.
import type { Plan } from '../../../shared/domain/plans/plan-limits';
import type { WalletState } from '../../../shared/domain/wallet/wallet.state';
import type { CommandDeps } from '../command-deps';

export async function ownerPlan(deps: CommandDeps, wallet: WalletState): Promise<Plan> {
  if (wallet.status === 'absent' || wallet.ownerId === null) return 'FREE';
  const { state } = await deps.users.load(wallet.ownerId);
  return state.status === 'registered' ? state.plan : 'FREE';
}
