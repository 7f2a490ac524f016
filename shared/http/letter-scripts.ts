// Which writing systems the letters of a string come from, for refusing look-alike e-mails
// ("pаypal@example.com" with a Cyrillic "а"). Digits, punctuation and combining marks belong
// to no script (Common, Inherited) and never count.
const SCRIPT_NAMES = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Syriac', 'Thaana',
  'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada',
  'Malayalam', 'Sinhala', 'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Khmer', 'Mongolian',
  'Ethiopic', 'Cherokee', 'Hangul', 'Hiragana', 'Katakana', 'Bopomofo', 'Han', 'Yi',
  'Tifinagh', 'Canadian_Aboriginal', 'Ogham', 'Runic', 'Javanese', 'Balinese', 'Sundanese',
] as const;
const SCRIPTS = SCRIPT_NAMES.map((name) => ({
  name,
  pattern: new RegExp(`^\\p{Script=${name}}$`, 'u'),
}));
const NO_SCRIPT = /^[\p{Script=Common}\p{Script=Inherited}]$/u;
const LETTER = /\p{L}/gu;

/** The script of one letter; letters of scripts not listed above share one bucket. */
function scriptOf(letter: string): string | undefined {
  if (NO_SCRIPT.test(letter)) return undefined;
  return SCRIPTS.find((script) => script.pattern.test(letter))?.name ?? 'other';
}

/** True when every letter of `text` that has a script has the same one. */
export function hasOneScript(text: string): boolean {
  const scripts = new Set<string>();
  for (const [letter] of text.matchAll(LETTER)) {
    const script = scriptOf(letter);
    if (script !== undefined) scripts.add(script);
    if (scripts.size > 1) return false;
  }
  return true;
}
