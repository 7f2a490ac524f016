// Stream and wallet ids of the wallet aggregate. A wallet lives in stream
// `wallet-<walletId>`. System accounts (one per purpose and currency) have fixed ids such as
// `system-adjustments-MYR`, so any handler can find the other side of an adjustment or a
// top-up without a lookup; they are opened once at start-up with OpenWallet (kind `system`).
import type { CurrencyCode } from '../money/money';
import { walletId, type WalletId } from '../ids';
import type { SystemAccount } from './wallet.events';

export const WALLET_STREAM_PREFIX = 'wallet-';

export const walletStreamId = (id: WalletId): string => `${WALLET_STREAM_PREFIX}${id}`;

/** `system-adjustments-MYR`, `system-stripe_clearing-JPY`: one account per currency. */
export const systemWalletId = (account: SystemAccount, currency: CurrencyCode): WalletId =>
  walletId(`system-${account}-${currency}`);

/** The wallet id inside a `wallet-...` stream id, or null for any other stream. */
export function walletIdOfStream(streamId: string): WalletId | null {
  if (!streamId.startsWith(WALLET_STREAM_PREFIX)) return null;
  return walletId(streamId.slice(WALLET_STREAM_PREFIX.length));
}
