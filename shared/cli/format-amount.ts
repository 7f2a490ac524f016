// Minor units to a readable decimal for human output only ("-12.50 MYR"); JSON keeps the
// digit strings of docs/api.md. Integer arithmetic throughout: no float touches an amount.
import { MINOR_UNIT_SCALE, type CurrencyCode } from '../domain/money/money';

export function formatAmount(amountMinor: bigint, currency: string): string {
  const scale = MINOR_UNIT_SCALE[currency as CurrencyCode] ?? 0;
  const sign = amountMinor < 0n ? '-' : '';
  const digits = (amountMinor < 0n ? -amountMinor : amountMinor).toString();
  if (scale === 0) return `${sign}${digits} ${currency}`;
  const padded = digits.padStart(scale + 1, '0');
  const whole = padded.slice(0, -scale);
  const fraction = padded.slice(-scale);
  return `${sign}${whole}.${fraction} ${currency}`;
}
