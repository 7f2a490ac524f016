// Goal: the clearing check passes when every paid top-up is credited once for its amount and
// the clearing account was debited the same, and names the place of each way it can break:
// a paid top-up never credited, credited twice or for another amount, a credit without a
// payment, a credit without a saga, a foreign movement on the clearing account.
import { topUpId, type TopUpEvent } from '../domain/topup/topup.events';
import { walletId } from '../domain/ids';
import { StripeClearingCheck } from './stripe-clearing.check';

const AT = '2026-12-01T00:00:00.000Z';
const CLEARING = 'system-stripe_clearing-MYR';

const requested = (id: string, amountMinor: bigint): TopUpEvent => ({
  type: 'TopUpRequested',
  data: { topUpId: topUpId(id), walletId: walletId('w-1'), currency: 'MYR', amountMinor,
    requestedAt: AT },
});
const succeeded = (id: string): TopUpEvent => ({
  type: 'TopUpSucceeded',
  data: { topUpId: topUpId(id), stripeEventId: `evt_${id}`, succeededAt: AT },
});

function creditBothSides(check: StripeClearingCheck, id: string, amountMinor: bigint,
  place = `wallet-w-1 (${id})`): void {
  const movement = { movementId: id, currency: 'MYR', amountMinor, movementKind: 'top_up' };
  check.acceptMovement('debit', { ...movement, walletId: CLEARING, place: `${CLEARING} (${id})` });
  check.acceptMovement('credit', { ...movement, walletId: 'w-1', place });
}

function paidAndCredited(check: StripeClearingCheck, id: string, amountMinor: bigint): void {
  check.acceptSagaEvent(requested(id, amountMinor), `topup-${id} v1`);
  check.acceptSagaEvent(succeeded(id), `topup-${id} v2`);
  creditBothSides(check, id, amountMinor);
}

test('paid top-ups credited once, for their amount: ok, with the totals', () => {
  const check = new StripeClearingCheck();
  paidAndCredited(check, 'tu-1', 500n);
  paidAndCredited(check, 'tu-2', 1_050n);
  check.acceptSagaEvent(requested('tu-3', 99n), 'topup-tu-3 v1'); // never paid: nothing owed
  const result = check.finish();
  expect(result).toMatchObject({ ok: true, findings: [],
    data: { paidMYR: '1550', creditedMYR: '1550' } });
  expect(result.summary).toContain('2 paid top-ups');
});

test('a paid top-up never credited is named, with the totals that disagree', () => {
  const check = new StripeClearingCheck();
  check.acceptSagaEvent(requested('tu-1', 500n), 'topup-tu-1 v1');
  check.acceptSagaEvent(succeeded('tu-1'), 'topup-tu-1 v2');
  expect(check.finish().findings).toEqual([
    'topup-tu-1 v1: top-up tu-1 was paid (500 MYR) and never credited',
    'MYR: Stripe paid 500, wallets credited 0, clearing account debited 0',
  ]);
});

test('a credit twice, a wrong amount, or no payment is named at the credit', () => {
  const check = new StripeClearingCheck();
  paidAndCredited(check, 'tu-1', 500n);
  creditBothSides(check, 'tu-1', 500n, 'wallet-w-1 v9');
  check.acceptSagaEvent(requested('tu-2', 300n), 'topup-tu-2 v1');
  creditBothSides(check, 'tu-2', 300n, 'wallet-w-1 v10');
  check.acceptSagaEvent(requested('tu-3', 700n), 'topup-tu-3 v1');
  check.acceptSagaEvent(succeeded('tu-3'), 'topup-tu-3 v2');
  creditBothSides(check, 'tu-3', 7_000n, 'wallet-w-1 v11');
  creditBothSides(check, 'tu-ghost', 1n, 'wallet-w-1 v12');
  const { ok, findings } = check.finish();
  expect(ok).toBe(false);
  expect(findings).toEqual([
    'wallet-w-1 v9: top-up tu-1 credited 2 times',
    'wallet-w-1 v10: top-up tu-2 credited, but Stripe never reported it paid',
    'wallet-w-1 v11: top-up tu-3 credited 7000 MYR to w-1; it was 700 MYR for w-1',
    'wallet-w-1 v12: top_up credit tu-ghost has no top-up saga',
    'MYR: Stripe paid 1200, wallets credited 8301, clearing account debited 8301',
  ]);
});

test('anything but a top-up debit on the clearing account is named', () => {
  const check = new StripeClearingCheck();
  check.acceptMovement('credit', { walletId: CLEARING, movementId: 'm-1', currency: 'MYR',
    amountMinor: 5n, movementKind: 'adjustment', place: `${CLEARING} v4` });
  expect(check.finish().findings).toEqual([
    `${CLEARING} v4: the clearing account ${CLEARING} has a adjustment credit; only top-up `
      + 'debits belong there',
  ]);
});

test('a saga event before its request is named', () => {
  const check = new StripeClearingCheck();
  check.acceptSagaEvent(succeeded('tu-9'), 'topup-tu-9 v1');
  expect(check.finish().findings).toEqual(
    ['topup-tu-9 v1: TopUpSucceeded for top-up tu-9, never requested']);
});
