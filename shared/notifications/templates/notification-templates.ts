// Text and HTML of every notification e-mail, as pure functions of plain data: the
// notifications saga reads the event and the parties' names and picks a template here.
// Amounts are bigint minor units, written as the CLI writes them ("123.45 MYR", "1200 JPY").
// User text (names, notes, references) is escaped in HTML and kept on one line in subjects.
import type { ErrorCode } from '../../errors/codes';
import { formatAmount } from '../../cli/format-amount';
import type { Plan } from '../../domain/plans/plan-limits';
import { escapeHtml, htmlLayout, oneLine } from './html';
import { rejectionReason } from './rejection-reasons';

export type RenderedMail = Readonly<{ subject: string; text: string; html: string }>;
export type Amount = Readonly<{ amountMinor: bigint; currency: string }>;

/** One paragraph: `text` for the plain part, and the same words with user text escaped. */
type Line = Readonly<{ text: string; html: string }>;
const plain = (text: string): Line => ({ text, html: escapeHtml(text) });
const amountOf = ({ amountMinor, currency }: Amount) => formatAmount(amountMinor, currency);
/** An optional user-written line ("Note: ..."), absent when empty. */
const optional = (label: string, value: string | undefined): Line[] =>
  value && value.trim() ? [plain(`${label}: ${oneLine(value)}`)] : [];

function render(subject: string, lines: readonly Line[]): RenderedMail {
  const title = oneLine(subject);
  return {
    subject: title,
    text: `${lines.map((line) => line.text).join('\n\n')}\n`,
    html: htmlLayout(title, lines.map((line) => line.html)),
  };
}

export type TransferParties = Amount & Readonly<{ counterpartyName: string; note?: string }>;

export const transferSent = (input: TransferParties): RenderedMail =>
  render(`You sent ${amountOf(input)} to ${oneLine(input.counterpartyName)}`, [
    plain(`You sent ${amountOf(input)} to ${oneLine(input.counterpartyName)}.`),
    ...optional('Note', input.note),
  ]);

export const transferReceived = (input: TransferParties): RenderedMail =>
  render(`You received ${amountOf(input)} from ${oneLine(input.counterpartyName)}`, [
    plain(`${oneLine(input.counterpartyName)} sent you ${amountOf(input)}.`),
    ...optional('Note', input.note),
  ]);

export type Rejection = TransferParties &
  Readonly<{ code: ErrorCode; movementKind: 'transfer' | 'payment' }>;

export const transferRejected = (input: Rejection): RenderedMail => {
  const what = input.movementKind === 'payment' ? 'payment' : 'transfer';
  const target = oneLine(input.counterpartyName);
  return render(`Your ${what} of ${amountOf(input)} to ${target} was declined`, [
    plain(`Your ${what} of ${amountOf(input)} to ${target} was declined: `
      + `${rejectionReason(input.code)}.`),
    plain('No money left your wallet.'),
    ...optional('Note', input.note),
  ]);
};

export type Payment = Amount & Readonly<{ counterpartyName: string; reference?: string }>;

export const paymentMade = (input: Payment): RenderedMail =>
  render(`You paid ${amountOf(input)} to ${oneLine(input.counterpartyName)}`, [
    plain(`You paid ${amountOf(input)} to ${oneLine(input.counterpartyName)}.`),
    ...optional('Reference', input.reference),
  ]);

export const paymentReceived = (input: Payment): RenderedMail =>
  render(`Payment of ${amountOf(input)} received from ${oneLine(input.counterpartyName)}`, [
    plain(`${oneLine(input.counterpartyName)} paid you ${amountOf(input)}.`),
    ...optional('Reference', input.reference),
  ]);

export type TopUpReceipt = Amount & Readonly<{ topUpId: string; creditedAt: string }>;

export const topUpCredited = (input: TopUpReceipt): RenderedMail =>
  render(`Receipt: top-up of ${amountOf(input)}`, [
    plain(`Your wallet was topped up with ${amountOf(input)} by card.`),
    plain(`Top-up: ${input.topUpId}`),
    plain(`Credited at: ${input.creditedAt}`),
  ]);

export type HoldCapture = Readonly<{
  currency: string;
  capturedAmountMinor: bigint;
  releasedAmountMinor: bigint;
  counterpartyName: string;
}>;

export const holdCaptured = (input: HoldCapture): RenderedMail => {
  const captured = formatAmount(input.capturedAmountMinor, input.currency);
  const released = formatAmount(input.releasedAmountMinor, input.currency);
  return render(`${captured} paid to ${oneLine(input.counterpartyName)} from a held amount`, [
    plain(`${oneLine(input.counterpartyName)} captured ${captured} of the amount held `
      + 'in your wallet.'),
    ...(input.releasedAmountMinor > 0n ? [plain(`The rest, ${released}, is available again.`)] : []),
  ]);
};

export type PlanChange = Readonly<{ plan: Plan }>;

export const planChanged = ({ plan }: PlanChange): RenderedMail =>
  plan === 'PREMIUM'
    ? render('Welcome to Premium', [
      plain('Your plan is now PREMIUM: higher limits, longer insights history, CSV and PDF '
        + 'statements.'),
    ])
    : render('Your plan is now Free', [
      plain('Your plan is now FREE. Your wallets and history are unchanged; the FREE limits '
        + 'apply from now on.'),
    ]);

/**
 * To the intended recipient of a refused transfer or payment. The reason stays out: why the
 * sender's money did not move (their balance, their plan's limits) is the sender's business.
 */
export const transferRejectedForRecipient = (
  input: TransferParties & Readonly<{ movementKind: 'transfer' | 'payment' }>,
): RenderedMail => {
  const what = input.movementKind === 'payment' ? 'payment' : 'transfer';
  const sender = oneLine(input.counterpartyName);
  return render(`A ${what} of ${amountOf(input)} from ${sender} did not go through`, [
    plain(`${sender} tried to send you ${amountOf(input)}, but the ${what} did not go `
      + 'through.'),
    plain('No money moved; nothing in your wallet changed.'),
  ]);
};

/** Rule names a fraud hint may carry, in words; an unknown rule is shown as its name. */
const FRAUD_RULES: Readonly<Record<string, string>> = {
  velocity: 'many payments in a short time',
  many_new_payees: 'money sent to many new recipients',
  amount_outlier: 'an amount far above your usual',
  late_night_burst: 'a burst of activity late at night',
};
export const fraudRuleInWords = (rule: string): string => FRAUD_RULES[rule] ?? oneLine(rule);

export type FraudHint = Readonly<{ rules: readonly string[]; summary: string; detectedAt: string }>;

export const fraudSuspected = (input: FraudHint): RenderedMail =>
  render('Unusual activity on your wallet', [
    plain(`We noticed activity on your wallet that does not look like you (${input.detectedAt}).`),
    ...optional('What we saw', input.summary),
    ...input.rules.map((rule) => plain(`- ${fraudRuleInWords(rule)}`)),
    plain('If this was you, there is nothing to do. If not, change your password and contact '
      + 'support.'),
  ]);
