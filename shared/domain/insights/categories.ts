// Spending categories. Merchants carry no category in the user or wallet model, so a
// movement's category comes from keywords in its payment reference or transfer note, then
// from its kind (docs/insights.md, "Categories"). Rules are tried in the order below; the
// first whose keyword appears as a whole word (case-insensitive) wins. Pure.
import { assertNever } from '../../errors/assert';
import type { Movement } from './movement';

export const CATEGORIES = [
  'food', 'transport', 'groceries', 'shopping', 'bills', 'entertainment', 'health',
  'travel', 'transfers', 'top_up', 'adjustment', 'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Keyword rules, in precedence order. Keywords are lower-case words. */
export const CATEGORY_KEYWORDS: ReadonlyArray<readonly [Category, readonly string[]]> = [
  ['food', ['food', 'lunch', 'dinner', 'breakfast', 'coffee', 'cafe', 'restaurant', 'kopi',
    'mamak', 'grabfood', 'foodpanda', 'nasi', 'teh', 'mcd', 'kfc']],
  ['transport', ['grab', 'taxi', 'bus', 'lrt', 'mrt', 'toll', 'parking', 'petrol', 'fuel',
    'train', 'ktm', 'rapidkl']],
  ['groceries', ['grocery', 'groceries', 'market', 'mart', 'tesco', 'lotus', 'giant',
    'aeon', 'mydin', 'jaya']],
  ['shopping', ['shop', 'shopping', 'shopee', 'lazada', 'mall', 'clothes', 'uniqlo']],
  ['bills', ['bill', 'bills', 'electric', 'electricity', 'tnb', 'water', 'internet',
    'unifi', 'phone', 'mobile', 'rent', 'insurance', 'astro']],
  ['entertainment', ['movie', 'cinema', 'gsc', 'tgv', 'netflix', 'spotify', 'game',
    'games', 'concert']],
  ['health', ['clinic', 'pharmacy', 'hospital', 'doctor', 'dental', 'guardian', 'watsons']],
  ['travel', ['hotel', 'flight', 'airasia', 'mas', 'agoda', 'booking', 'travel']],
];

const WORD = /[a-z0-9]+/g;

/** The category a keyword in `text` names, or null. */
export function categoryOfText(text: string | null): Category | null {
  if (!text) return null;
  const words = new Set(text.toLowerCase().match(WORD) ?? []);
  for (const [category, keywords] of CATEGORY_KEYWORDS) {
    if (keywords.some((keyword) => words.has(keyword))) return category;
  }
  return null;
}

/** Keywords first (reference, then note); otherwise the movement's kind decides. */
export function categoryOf(movement: Movement): Category {
  const byWords = categoryOfText(movement.reference) ?? categoryOfText(movement.note);
  if (byWords) return byWords;
  switch (movement.kind) {
    case 'transfer': return 'transfers';
    case 'top_up': return 'top_up';
    case 'adjustment': return 'adjustment';
    case 'payment':
    case 'hold':
      return 'other';
    default:
      return assertNever(movement.kind);
  }
}
