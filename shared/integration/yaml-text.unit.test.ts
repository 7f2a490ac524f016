// Goal: the YAML writer gives readable, stable text that a real YAML reader (the `yaml`
// package, which @fastify/swagger brings) reads back as the same value, ambiguous strings
// included.
import { parse } from 'yaml';
import { toYamlText, type YamlValue } from './yaml-text';

test('block style, keys in order, collections nested in sequences', () => {
  const value: YamlValue = {
    asyncapi: '3.0.0',
    info: { title: 'Mini TNG', tags: [{ name: 'money', x: [] }, 'plain'], empty: {} },
    list: [[1, 2], true, null],
  };
  expect(toYamlText(value)).toBe([
    'asyncapi: "3.0.0"',
    'info:',
    '  title: Mini TNG',
    '  tags:',
    '    - name: money',
    '      x: []',
    '    - plain',
    '  empty: {}',
    'list:',
    '  - - 1',
    '    - 2',
    '  - true',
    '  - null',
    '',
  ].join('\n'));
  expect(parse(toYamlText(value))).toEqual(value);
});

test('strings a reader could misread are quoted, and read back unchanged', () => {
  const tricky = ['true', 'No', 'null', '~', '1050', '0x1f', '3.0.0', '- item', 'a: b', 'a #b',
    '#/components/schemas/X', '^[1-9][0-9]{0,17}$', 'line\nbreak', 'tab\there', 'quote "q"',
    'back\\slash', ' lead', 'trail ', '', '@at', '*star', '&anchor', '!tag', '%pct', '`tick',
    "'single'", '{brace', '[bracket', '>folded', '|literal', '?q', 'kopi ☕', 'y', 'on',
    'a:b', 'key: value', 'x #y', 'end:', "It's \"quoted\" (fine), [ok] {ok}", 'money `1050`; ok?'];
  const value: YamlValue = Object.fromEntries(tricky.map((text, i) => [text, [text, i]]));
  expect(parse(toYamlText(value))).toEqual(value);
});
