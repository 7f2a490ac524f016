// The human rendering of `tng audit replay`: a header, one row per event, the final figures.
// Amounts are shown as decimals of the wallet's currency; the JSON keeps minor units.
import { formatAmount } from '../../shared/cli/format-amount';
import { textTable } from '../../shared/cli/text-table';
import type { TimelineStep } from '../../shared/audit/wallet-timeline';

export type ReplayView = Readonly<{
  walletId: string;
  kind: string;
  ownerId: string | null;
  currency: string;
  status: string;
  at: string | null;
  steps: readonly TimelineStep[];
  final: Readonly<{ balance: string; held: string; available: string; version: string }>;
}>;

export function humanReplay(view: ReplayView): string {
  const money = (digits: string | null) =>
    digits === null ? '' : formatAmount(BigInt(digits), view.currency);
  const owner = view.ownerId ? `, owner ${view.ownerId}` : '';
  const header = `wallet ${view.walletId} (${view.kind}${owner}, ${view.currency}, `
    + `${view.status}), replayed from events${view.at ? ` up to ${view.at}` : ''}`;
  const table = textTable(
    [
      { header: 'ver', align: 'right' }, { header: 'recorded at' }, { header: 'event' },
      { header: 'movement' }, { header: 'dir' }, { header: 'amount', align: 'right' },
      { header: 'balance', align: 'right' }, { header: 'held', align: 'right' },
      { header: 'available', align: 'right' }, { header: 'counterparty' }, { header: 'detail' },
    ],
    view.steps.map((step) => [
      step.version, step.recordedAt, step.type, step.movementId ?? step.holdId ?? '',
      step.direction ?? '', money(step.amount), money(step.balanceAfter), money(step.heldAfter),
      money(step.availableAfter), step.counterpartyWalletId ?? '', step.detail ?? '',
    ]),
  );
  const { final } = view;
  const footer = `final (version ${final.version}): balance ${money(final.balance)}, `
    + `held ${money(final.held)}, available ${money(final.available)}`;
  return [header, '', table, '', footer].join('\n');
}
