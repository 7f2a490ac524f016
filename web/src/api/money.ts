// Amounts on the wire are minor units as digit strings (docs/api.md, Conventions). The page
// shows and reads them as decimal text with bigint arithmetic only: no float ever holds money.
const SCALE = { MYR: 2, SGD: 2, USD: 2, JPY: 0 } as const;
export type Currency = keyof typeof SCALE;

/** The wallet's currency as the API's money bodies take it (MYR if the API ever adds one). */
export const currencyOf = (code: string): Currency => (code in SCALE ? (code as Currency) : 'MYR');
const SYMBOL: Readonly<Record<string, string>> = { MYR: 'RM' };

const scaleOf = (currency: string): number => SCALE[currencyOf(currency)];

/** "1250", "MYR" -> "RM 12.50". */
export function formatMoney(minor: string, currency: string): string {
  const negative = minor.startsWith('-');
  const digits = (negative ? minor.slice(1) : minor).padStart(scaleOf(currency) + 1, '0');
  const scale = scaleOf(currency);
  const whole = scale === 0 ? digits : digits.slice(0, -scale);
  const fraction = scale === 0 ? '' : `.${digits.slice(-scale)}`;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${SYMBOL[currency] ?? currency} ${grouped}${fraction}`;
}

/** "12.5" or "12.50", "MYR" -> "1250"; null when the text is not a positive amount. */
export function parseMoney(text: string, currency: string): string | null {
  const scale = scaleOf(currency);
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(text.trim());
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > scale) return null;
  const minor = BigInt(match[1]! + fraction.padEnd(scale, '0'));
  return minor > 0n ? minor.toString() : null;
}
