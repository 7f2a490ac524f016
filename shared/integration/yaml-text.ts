// A small YAML writer for documents we generate (docs/asyncapi.yaml): block style, two-space
// indent, keys in the order given, so the text is stable and diffs stay readable. Strings are
// plain only when no YAML reader could take them for anything else (a number, a boolean,
// null, an indicator); otherwise they are double-quoted with JSON's escapes, which YAML's
// double-quoted style shares. We write it rather than depend on a YAML package for one file.
import { assert } from '../errors/assert';

export type YamlValue =
  | string
  | number
  | boolean
  | null
  | readonly YamlValue[]
  | { readonly [key: string]: YamlValue };

/** Printable ASCII after a letter: no YAML indicator can start it, no number can match it. */
const PLAIN_STRING = /^[A-Za-z_$][\x20-\x7e]*$/;
/** What would end or cut a plain scalar: a key separator or a comment. */
const PLAIN_BREAKERS = /: | #|:$| $/;
/** Words YAML 1.1 or 1.2 readers turn into booleans or null. */
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

const isMapping = (value: YamlValue): value is { readonly [key: string]: YamlValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isBlock = (value: YamlValue): boolean =>
  Array.isArray(value) ? value.length > 0 : isMapping(value) && Object.keys(value).length > 0;

function text(value: string): string {
  const plain = PLAIN_STRING.test(value) && !RESERVED.test(value) && !PLAIN_BREAKERS.test(value);
  return plain ? value : JSON.stringify(value);
}

function scalar(value: YamlValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return text(value);
  if (typeof value === 'number') {
    assert(Number.isFinite(value), 'YAML numbers here are finite');
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? '[]' : '{}';
}

function block(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (!isBlock(value)) return [`${pad}${scalar(value)}`];
  if (!isMapping(value)) {
    return (value as readonly YamlValue[]).flatMap((item) => {
      if (!isBlock(item)) return [`${pad}- ${scalar(item)}`];
      const [first = '', ...rest] = block(item, indent + 2);
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
    });
  }
  return Object.entries(value).flatMap(([key, item]) => isBlock(item)
    ? [`${pad}${text(key)}:`, ...block(item, indent + 2)]
    : [`${pad}${text(key)}: ${scalar(item)}`]);
}

/** The YAML text of `value`, ending with a newline. */
export const toYamlText = (value: YamlValue): string => `${block(value, 0).join('\n')}\n`;
