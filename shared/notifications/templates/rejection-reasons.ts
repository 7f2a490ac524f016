// The reason a transfer or payment was refused, in words a customer understands, for each
// code recorded on TransferRejected (shared/domain/wallet/rejection.ts). Any other code falls
// back to its title in the error registry.
import { ERROR_CODES, type ErrorCode } from '../../errors/codes';

const REASONS: Partial<Record<ErrorCode, string>> = {
  insufficient_funds: 'your wallet did not have enough money',
  wallet_frozen: 'one of the wallets is frozen',
  wallet_closed: 'one of the wallets is closed',
  currency_mismatch: 'the two wallets hold different currencies',
  same_wallet: 'the money was addressed to the same wallet it came from',
  limit_exceeded: "it would exceed your plan's transfer limits",
  max_balance_exceeded: "it would take the recipient's wallet over its maximum balance",
};

export function rejectionReason(code: ErrorCode): string {
  return REASONS[code] ?? ERROR_CODES[code].title.toLowerCase();
}
