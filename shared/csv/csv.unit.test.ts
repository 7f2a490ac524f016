// Goal: CSV cells survive any note (commas, quotes, newlines) and a spreadsheet never runs a
// text cell as a formula, while numbers stay numbers.
import { csvCell, csvLine, csvNumber } from './csv';

test.each([
  ['plain', 'plain'],
  ['a, b', '"a, b"'],
  ['say "hi"', '"say ""hi"""'],
  ['two\nlines', '"two\nlines"'],
  ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
  ['+60123', "'+60123"],
  ['-1+1', "'-1+1"],
  ['@cmd', "'@cmd"],
  ['=HYPERLINK("x", "y")', '"\'=HYPERLINK(""x"", ""y"")"'],
  ['', ''],
])('text %j is written as %j', (text, written) => {
  expect(csvCell(text)).toBe(written);
});

test('numbers are written as they are, negative ones too; nulls are empty', () => {
  expect(csvLine([csvNumber('-1050'), csvNumber('12.50'), null, 'x'])).toBe('-1050,12.50,,x\r\n');
  expect(() => csvCell(csvNumber('=1'))).toThrow();
});
