// Goal: the saga's pure step raises each rule at most once per wallet and window: a rule an
// earlier FraudSuspected in the stream already raised stays quiet, another rule in the same
// window is still raised, the same rule in the next window is raised again, and judging the
// same stream twice gives the same hint ids.
import { walletId } from '../../../shared/domain/ids';
import { debited, myr } from '../../../shared/domain/testing/wallet-fixtures';
import type { WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import { fraudHintsToRaise, type StreamEntry } from './fraud-hint';

const WALLET = walletId('w-judged');
const T0 = Date.parse('2026-11-10T04:00:00.000Z'); // 12:00 in Kuala Lumpur, a window start
const SECOND_MS = 1_000;

const entry = (version: number, atMs: number, event: WalletEvent): StreamEntry => ({
  eventId: `e-${version}`, streamVersion: BigInt(version), recordedAt: new Date(atMs), event,
});
const debitAt = (version: number, atMs: number, payee = 'w-shop') =>
  entry(version, atMs, debited(WALLET, myr(100n), { counterparty: walletId(payee) }));
const burst = (fromVersion: number, startMs: number, count: number) =>
  Array.from({ length: count }, (_, i) => debitAt(fromVersion + i, startMs + i * SECOND_MS));
const versions = (entries: readonly StreamEntry[]) => new Set(entries.map((e) => e.streamVersion));

test('one velocity hint for a burst, from its fifth debit, with a stable id', () => {
  const stream = burst(1, T0, 7);
  const hints = fraudHintsToRaise(WALLET, stream, versions(stream));
  expect(hints.map((h) => [h.causationId, h.event.data.rules])).toEqual([['e-5', ['velocity']]]);
  expect(fraudHintsToRaise(WALLET, stream, versions(stream))).toEqual(hints);
});

test('a rule raised before in the window stays quiet; another rule does not', () => {
  const first = burst(1, T0, 5);
  const [raised] = fraudHintsToRaise(WALLET, first, versions(first));
  const hint = entry(6, T0 + 5 * SECOND_MS, raised!.event);
  const newPayees = ['w-a', 'w-b', 'w-c'].map((payee, i) =>
    debitAt(7 + i, T0 + (6 + i) * SECOND_MS, payee));
  const stream = [...first, hint, ...newPayees];
  const again = fraudHintsToRaise(WALLET, stream, versions(newPayees));
  expect(again.map((h) => h.event.data.rules)).toEqual([['new_payees']]);
});

test('the same rule in the next window is raised again', () => {
  const first = burst(1, T0, 5);
  const [raised] = fraudHintsToRaise(WALLET, first, versions(first));
  const next = burst(7, T0 + 10 * 60 * SECOND_MS, 5);
  const stream = [...first, entry(6, T0 + 5 * SECOND_MS, raised!.event), ...next];
  const hints = fraudHintsToRaise(WALLET, stream, versions(next));
  expect(hints.map((h) => [h.causationId, h.event.data.rules])).toEqual([['e-7', ['velocity']]]);
  expect(hints[0]!.event.data.hintId).not.toBe(raised!.event.data.hintId);
});
