// A merchant's wallet in a currency has a fixed id, `merchant-<userId>-<currency>`, and is
// opened by the first payment to it, in the same transaction as that payment's credit.
import type { CurrencyCode } from '../../../shared/domain/money/money';
import { userId as toUserId, walletId as toWalletId } from '../../../shared/domain/ids';
import { openWallet } from '../../../shared/domain/wallet/wallet-lifecycle.decider';
import type { WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import type { WalletState } from '../../../shared/domain/wallet/wallet.state';
import type { Loaded } from '../../../shared/aggregates/aggregate-repository';
import type { CommandDeps } from '../command-deps';
import { notFound } from '../not-found';

export const merchantWalletId = (merchantId: string, currency: CurrencyCode) =>
  `merchant-${merchantId}-${currency}`;

export async function merchantWalletTarget(
  deps: CommandDeps,
  merchantId: string,
  currency: CurrencyCode,
) {
  const merchant = await deps.users.load(merchantId);
  if (merchant.state.status === 'absent' || !merchant.state.roles.has('merchant')) {
    throw notFound('merchant');
  }
  const walletId = merchantWalletId(merchantId, currency);
  const openIfAbsent = (target: Loaded<WalletState>): WalletEvent[] =>
    target.state.status !== 'absent'
      ? []
      : openWallet(
          {
            type: 'OpenWallet',
            walletId: toWalletId(walletId),
            ownerId: toUserId(merchantId),
            kind: 'merchant',
            currency,
          },
          target.state,
        );
  return { walletId, openIfAbsent };
}
