// CSV as RFC 4180 writes it (comma separated, CRLF line ends, a cell with a comma, quote, CR
// or LF in double quotes with inner quotes doubled), plus a guard against formula injection:
// spreadsheets run a text cell that starts with = + - @ (or a tab or CR) as a formula, so
// such a text cell gets a leading apostrophe, which they show as text. Number cells are
// written as they are (a negative balance stays a number); only cells the caller marks as
// numbers are exempt, and those must be plain digits with an optional minus.

export type CsvCell = string | { number: string } | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
const PLAIN_NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;

export function csvCell(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell !== 'string') {
    if (!PLAIN_NUMBER.test(cell.number)) throw new Error(`not a plain number: ${cell.number}`);
    return cell.number;
  }
  const guarded = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

export const csvLine = (cells: readonly CsvCell[]): string => `${cells.map(csvCell).join(',')}\r\n`;

export const csvNumber = (digits: string): CsvCell => ({ number: digits });
