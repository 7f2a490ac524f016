// `tng audit replay --csv`: one row per event of the period between an `opening` and a
// `closing` row carrying the figures, so the file stands alone in a spreadsheet. Amounts are
// minor units as digit strings (as in the JSON); quoting and the formula-injection guard
// (a text cell starting with = + - @ gets a leading apostrophe) are shared/csv/csv.ts's.
import { csvLine, csvNumber, type CsvCell } from '../../shared/csv/csv';
import type { Figures } from '../../shared/audit/wallet-period';
import type { ReplayView } from './audit-replay.view';

export const REPLAY_CSV_COLUMNS = [
  'version', 'recordedAt', 'event', 'kind', 'movementId', 'holdId', 'direction', 'amount',
  'releasedAmount', 'currency', 'counterpartyWalletId', 'detail', 'actorId', 'balanceAfter',
  'heldAfter', 'availableAfter',
] as const;

const number = (digits: string | null): CsvCell => (digits === null ? null : csvNumber(digits));

export function replayCsv(view: ReplayView): string {
  const figures = (event: string, at: string | null, f: Figures): string =>
    csvLine([
      f.version, at, event, null, null, null, null, null, null, view.currency, null, null, null,
      csvNumber(f.balance), csvNumber(f.held), csvNumber(f.available),
    ]);
  const steps = view.steps.map((step) =>
    csvLine([
      step.version, step.recordedAt, step.type, step.kind, step.movementId, step.holdId,
      step.direction, number(step.amount), number(step.releasedAmount), step.currency,
      step.counterpartyWalletId, step.detail, step.actorId, csvNumber(step.balanceAfter),
      csvNumber(step.heldAfter), csvNumber(step.availableAfter),
    ]));
  return [
    csvLine(REPLAY_CSV_COLUMNS),
    figures('opening', view.from, view.opening),
    ...steps,
    figures('closing', view.to, view.closing),
  ].join('');
}
