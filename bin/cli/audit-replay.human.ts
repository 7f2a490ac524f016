// The human rendering of `tng audit replay`, at most 120 columns wide: a header (the wallet,
// the period, the owner's role changes and who made them), the opening figures, one table row
// per event with the amounts as decimals of the wallet's currency, each followed by an
// indented line saying what happened (the movement and its other side, a hold's reason and
// what its end released, who asked for it), then the closing figures and the totals. A detail
// line that would pass 120 columns goes on at its next part, so ids are not cut short; only a
// single part wider than a line (a long note) is cut, with an ellipsis.
import type { TimelineStep } from '../../shared/audit/wallet-timeline';
import type { Figures } from '../../shared/audit/wallet-period';
import { formatAmount } from '../../shared/cli/format-amount';
import { textTable } from '../../shared/cli/text-table';
import type { ReplayView } from './audit-replay.view';

export const LINE_WIDTH_MAX = 120;
const DETAIL_INDENT = '      ';
const CONTINUED_INDENT = '        ';

const EVENT_LABELS: Readonly<Record<TimelineStep['type'], string>> = {
  WalletOpened: 'opened', WalletDebited: 'debit', WalletCredited: 'credit',
  TransferRejected: 'rejected', HoldPlaced: 'hold', HoldCaptured: 'captured',
  HoldReleased: 'released', HoldExpired: 'expired', WalletFrozen: 'frozen',
  WalletUnfrozen: 'unfrozen', WalletClosed: 'closed', FraudSuspected: 'fraud hint',
};

export function humanReplay(view: ReplayView): string {
  const money = (digits: string | null) => (digits === null ? '' : decimal(digits, view.currency));
  const table = textTable(
    [
      { header: 'ver', align: 'right' }, { header: 'recorded at (UTC)' }, { header: 'event' },
      { header: 'amount', align: 'right' }, { header: 'balance', align: 'right' },
      { header: 'held', align: 'right' }, { header: 'available', align: 'right' },
    ],
    view.steps.map((step) => [
      step.version, step.recordedAt, EVENT_LABELS[step.type], signed(step, money),
      money(step.balanceAfter), money(step.heldAfter), money(step.availableAfter),
    ]),
  ).split('\n');
  const rows = [table[0]!];
  view.steps.forEach((step, index) => {
    rows.push(table[index + 1]!, ...wrap(detailParts(step, money)));
  });
  return [...header(view), '', ...rows, '', ...figures('closing', view.closing, view.currency),
    ...totalsLines(view)].join('\n');
}

function header(view: ReplayView): string[] {
  const owner = view.ownerId ? `, owner ${view.ownerId}` : '';
  const roles = view.ownerRoles.map((change) => `owner ${change.change} ${change.role} at `
    + `${change.recordedAt}${change.actorId ? ` by ${change.actorId}` : ''}`);
  return [
    ...wrap([`wallet ${view.walletId} (${view.kind}${owner}`, `${view.currency}`,
      `${view.status})`, 'replayed from events'], '', ', '),
    `period: ${view.from ?? 'from the opening'} to ${view.to ?? 'the last event'}`,
    ...roles.flatMap((line) => wrap([line], '')),
    ...figures('opening', view.opening, view.currency),
  ];
}

function figures(label: string, f: Figures, currency: string): string[] {
  const money = (digits: string) => formatAmount(BigInt(digits), currency);
  return wrap([`${label} (version ${f.version}): balance ${money(f.balance)}`,
    `held ${money(f.held)}`, `available ${money(f.available)}`], '', ', ');
}

function totalsLines(view: ReplayView): string[] {
  const { totals } = view;
  const money = (digits: string) => formatAmount(BigInt(digits), view.currency);
  return [
    ...wrap([`totals: ${totals.movements} movement${totals.movements === 1 ? '' : 's'}`, `in ${money(totals.credits)}`,
      `out ${money(totals.debits)}`, `net ${money(totals.net)}`], '', ', '),
    ...wrap([`        ${totals.rejected} rejected`, `holds placed ${money(totals.held)}`,
      `released ${money(totals.released)}`], '', ', '),
  ];
}

/** Credits with +, debits with -; a hold's amount as is; nothing for events moving none. */
function signed(step: TimelineStep, money: (digits: string | null) => string): string {
  if (step.amount === null || step.type === 'TransferRejected') return money(step.amount);
  if (step.direction === 'credit') return `+${money(step.amount)}`;
  if (step.direction === 'debit') return `-${money(step.amount)}`;
  return money(step.amount);
}

function detailParts(step: TimelineStep, money: (digits: string | null) => string): string[] {
  const quoted = step.detail === null ? null : JSON.stringify(step.detail);
  const reason = quoted ? ` (${quoted})` : '';
  const parts: string[] = [];
  switch (step.type) {
    case 'WalletDebited':
    case 'WalletCredited': {
      const side = step.direction === 'debit' ? 'to' : 'from';
      parts.push(`${step.kind} ${step.movementId} ${side} ${step.counterpartyWalletId}`);
      if (step.holdId) parts.push(`hold ${step.holdId}`);
      if (quoted) parts.push(quoted);
      break;
    }
    case 'TransferRejected':
      parts.push(`${step.kind} ${step.movementId} to ${step.counterpartyWalletId}`,
        `refused: ${step.detail}`);
      break;
    case 'HoldPlaced':
      parts.push(`hold ${step.holdId} placed${reason}`);
      break;
    case 'HoldCaptured':
      parts.push(`hold ${step.holdId}${reason}`,
        `captured ${money(step.amount)} to ${step.counterpartyWalletId} as ${step.movementId}`,
        `released ${money(step.releasedAmount)}`);
      break;
    case 'HoldReleased':
    case 'HoldExpired':
      parts.push(`hold ${step.holdId}${reason}`, `released ${money(step.releasedAmount)}`);
      break;
    case 'WalletOpened':
      parts.push(`opened as a ${step.detail} wallet`);
      break;
    default:
      parts.push(quoted ? `${EVENT_LABELS[step.type]}: ${quoted}` : EVENT_LABELS[step.type]);
  }
  if (step.actorId) parts.push(`by ${step.actorId}`);
  return parts;
}

/** Joins parts with `separator` into lines of at most LINE_WIDTH_MAX columns. */
export function wrap(
  parts: readonly string[],
  indent = DETAIL_INDENT,
  separator = ' · ',
): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    const candidate = line === '' ? `${indent}${part}` : `${line}${separator}${part}`;
    if (line !== '' && candidate.length > LINE_WIDTH_MAX) {
      lines.push(line);
      line = `${indent === '' ? '  ' : CONTINUED_INDENT}${part}`;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((text) =>
    (text.length > LINE_WIDTH_MAX ? `${text.slice(0, LINE_WIDTH_MAX - 1)}…` : text));
}

/** Minor units as a decimal of the currency, without the code (the header names it). */
function decimal(digits: string, currency: string): string {
  const text = formatAmount(BigInt(digits), currency);
  return text.slice(0, text.length - currency.length - 1);
}
