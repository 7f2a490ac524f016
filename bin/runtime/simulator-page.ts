// The simulator's checkout page: what was asked (amount and currency, or the premium plan),
// the session's state, and Pay and Cancel buttons (plain HTML forms, no script). Every value
// shown is escaped; the page is only ever served in simulator mode.
import type { SimulatorSession } from '../../shared/adapters/payments/simulator-sessions';
import { formatAmount } from '../../shared/cli/format-amount';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const amountOf = ({ amountTotalMinor, currency }: SimulatorSession) =>
  amountTotalMinor === null || currency === null ? '?' : formatAmount(amountTotalMinor, currency);

export function checkoutPage(session: SimulatorSession, message = ''): string {
  const id = escapeHtml(session.id);
  const what =
    session.mode === 'subscription'
      ? 'Mini TNG Premium (monthly)'
      : `Wallet top-up: ${escapeHtml(amountOf(session))}`;
  const state = session.cancelled ? 'cancelled' : `${session.status}, ${session.paymentStatus}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stripe simulator: checkout</title></head>
<body>
<h1>Stripe simulator</h1>
<p>${what}</p>
<p>Session <code>${id}</code>: ${escapeHtml(state)}</p>
${message ? `<p><strong>${escapeHtml(message)}</strong></p>` : ''}
<form method="post" action="/simulator/checkout/${id}/pay"><button type="submit">Pay</button></form>
<form method="post" action="/simulator/checkout/${id}/cancel"><button type="submit">Cancel</button></form>
</body></html>`;
}
