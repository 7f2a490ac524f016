// Finds the series selectors (`metric{label="value"}`) in a PromQL expression, so that a test
// can hold every alert and dashboard to the metrics the services really export
// (infra/metric-names.unit.test.ts). A scanner, not a full parser: it knows what PromQL puts
// between selectors (calls, grouping label lists, ranges, numbers, strings, operators) and
// skips it. Grafana's variables ($job, $__rate_interval) are accepted inside strings and
// ranges, where dashboards use them.

export type LabelMatcher = Readonly<{ label: string; op: '=' | '!=' | '=~' | '!~'; value: string }>;
export type Selector = Readonly<{ metric: string; matchers: readonly LabelMatcher[] }>;

type Token =
  | { kind: 'identifier'; text: string }
  | { kind: 'matchers'; text: string }
  | { kind: 'punctuation'; text: string };

/** Words PromQL reserves between selectors; never metric names here. */
const KEYWORDS = new Set([
  'and', 'or', 'unless', 'atan2', 'bool', 'offset',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
]);
/** Keywords followed by a list of label names in parentheses, which is not an expression. */
const LABEL_LIST_KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
]);
/** Aggregation operators, which may put `by (...)` between their name and their argument. */
const AGGREGATIONS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values',
  'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio',
]);
const EXPRESSION_LENGTH_MAX = 10_000;

export function promqlSelectors(expression: string): Selector[] {
  if (expression.length > EXPRESSION_LENGTH_MAX) throw new Error('expression too long to scan');
  const tokens = tokenize(expression);
  const selectors: Selector[] = [];
  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!;
    const next = tokens[index + 1];
    if (token.kind === 'matchers') {
      // A selector with no name before its braces, e.g. {__name__=~"tng_.*"}.
      throw new Error(`selector without a metric name: {${token.text}} in ${expression}`);
    }
    if (token.kind !== 'identifier') continue;
    if (LABEL_LIST_KEYWORDS.has(token.text)) {
      if (next?.text === '(') index = closingParenthesis(tokens, index + 1);
      continue;
    }
    if (KEYWORDS.has(token.text) || AGGREGATIONS.has(token.text)) continue;
    if (next?.text === '(') continue; // A function or an aggregation: its arguments follow.
    const matchers = next?.kind === 'matchers' ? parseMatchers(next.text, expression) : [];
    if (next?.kind === 'matchers') index += 1;
    selectors.push({ metric: token.text, matchers });
  }
  return selectors;
}

function closingParenthesis(tokens: readonly Token[], open: number): number {
  for (let index = open + 1; index < tokens.length; index += 1) {
    if (tokens[index]!.text === ')') return index;
  }
  throw new Error('unclosed label list');
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < expression.length) {
    const char = expression[at]!;
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '"' || char === "'" || char === '`') {
      at = endOfString(expression, at); // A string argument (label_replace, regexes): no names.
    } else if (char === '[') {
      at = expression.indexOf(']', at) + 1; // A range or subquery: durations only.
      if (at === 0) throw new Error(`unclosed range in ${expression}`);
    } else if (char === '{') {
      const end = endOfMatchers(expression, at);
      tokens.push({ kind: 'matchers', text: expression.slice(at + 1, end) });
      at = end + 1;
    } else if (/[A-Za-z_:]/.test(char)) {
      const text = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expression.slice(at))![0];
      tokens.push({ kind: 'identifier', text });
      at += text.length;
    } else if (/[0-9.]/.test(char)) {
      at += /^[0-9.]+(e[+-]?[0-9]+)?[a-z]*/i.exec(expression.slice(at))![0].length;
    } else if (char === '$') {
      at += /^\$(\{[^}]*\}|\w+)/.exec(expression.slice(at))?.[0].length ?? 1;
    } else {
      tokens.push({ kind: 'punctuation', text: char });
      at += 1;
    }
  }
  return tokens;
}

/** The index just past the string that opens at `start` (backslash escapes honoured). */
function endOfString(text: string, start: number): number {
  const quote = text[start];
  for (let at = start + 1; at < text.length; at += 1) {
    if (text[at] === '\\' && quote !== '`') at += 1;
    else if (text[at] === quote) return at + 1;
  }
  throw new Error(`unclosed string in ${text}`);
}

/** The index of the `}` that closes the matcher list opening at `start`. */
function endOfMatchers(text: string, start: number): number {
  for (let at = start + 1; at < text.length; at += 1) {
    const char = text[at];
    if (char === '"' || char === "'" || char === '`') at = endOfString(text, at) - 1;
    else if (char === '}') return at;
  }
  throw new Error(`unclosed label matchers in ${text}`);
}

/** `label op "value"` (or 'value' or `value`), then an optional comma. */
const LABEL = /([A-Za-z_][A-Za-z0-9_]*)/.source;
const OPERATOR = /(=~|!~|!=|=)/.source;
const QUOTED = /("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)/.source;
const MATCHER = new RegExp(`^\\s*${LABEL}\\s*${OPERATOR}\\s*${QUOTED}\\s*,?`);

function parseMatchers(text: string, expression: string): LabelMatcher[] {
  const matchers: LabelMatcher[] = [];
  let rest = text;
  while (rest.trim() !== '') {
    const match = MATCHER.exec(rest);
    if (!match) throw new Error(`unreadable label matchers {${text}} in ${expression}`);
    const [whole, label, op, quoted] = match;
    matchers.push({
      label: label!,
      op: op as LabelMatcher['op'],
      value: quoted!.slice(1, -1).replace(/\\(.)/g, '$1'),
    });
    rest = rest.slice(whole.length);
  }
  return matchers;
}
