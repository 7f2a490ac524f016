// Goal: each ledger check of `tng audit verify` passes on a ledger written by the real
// deciders, and fails, naming the place, when conservation, double entry, non-negative
// balances, decoding or the wallets read model is broken. The store has no codec, as in the
// CLI, which reads stored payloads so that the auditor decodes (and names) each event.
import { InMemoryEventStore } from '../adapters/event-store/in-memory.event-store';
import { movementId } from '../domain/ids';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import {
  encodePosition, START_POSITION, type EventStore, type Position, type RecordedEvent,
} from '../ports/event-store.port';
import type { CheckName, CheckResult } from './audit-check';
import { LedgerAuditor } from './ledger-auditor';
import type { ReadModelWallet } from './read-model-drift.check';
import {
  ADJUSTED_MINOR, ADJUSTMENTS, ALICE, appendWalletEvents, BOB, seedLedger, SEED_NOW,
  TRANSFERRED_MINOR,
} from './testing/ledger-seed';

const HEAD: Position = { transactionId: 10n ** 12n, globalPosition: 10n ** 12n };
const READ_LIMIT = 1_000;

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  return store.readAll({ after: START_POSITION, limit: READ_LIMIT });
}

/** Feeds the log in batches of two, so transactions straddle batches as they do for real. */
async function audit(
  store: EventStore,
  readModel: readonly ReadModelWallet[] = healthyReadModel(),
  driftCheckpoint: Position = HEAD,
): Promise<Map<CheckName, CheckResult>> {
  const auditor = new LedgerAuditor({ driftCheckpoint });
  const events = await allEvents(store);
  for (let index = 0; index < events.length; index += 2) {
    auditor.accept(events.slice(index, index + 2));
  }
  return new Map(auditor.finish(readModel).map((check) => [check.check, check]));
}

const row = (walletId: string, balanceMinor: bigint, version: bigint): ReadModelWallet =>
  ({ walletId, balanceMinor, heldMinor: 0n, version });

const healthyReadModel = (): ReadModelWallet[] => [
  row(ADJUSTMENTS, -ADJUSTED_MINOR, 2n),
  row(ALICE, ADJUSTED_MINOR - TRANSFERRED_MINOR, 3n),
  row(BOB, TRANSFERRED_MINOR, 2n),
];

const failed = (checks: Map<CheckName, CheckResult>) =>
  [...checks.values()].filter((check) => !check.ok).map((check) => check.check);

const movement = (type: WalletEvent['type'], walletId: string, counterparty: string,
  amountMinor: bigint, id = 'm-forged') => ({
  type, data: {
    walletId, counterpartyWalletId: counterparty, movementId: movementId(id),
    movementKind: 'transfer', currency: 'MYR', amountMinor, occurredAt: SEED_NOW.toISOString(),
  },
}) as WalletEvent;

let store: InMemoryEventStore;
beforeEach(async () => {
  store = new InMemoryEventStore();
  await seedLedger(store);
});

test('a ledger written by the deciders passes every check', async () => {
  const checks = await audit(store);
  expect(failed(checks)).toEqual([]);
  expect(checks.get('conservation')?.data).toEqual({ MYR: '0' });
  expect(checks.get('double-entry')?.data).toEqual({ matched: '2', unmatched: '0' });
});

test('an altered credit amount breaks conservation and double entry, naming both places',
  async () => {
    const events = await allEvents(store);
    const credit = events.find((e) => e.streamId === `wallet-${BOB}` && e.streamVersion === 2n)!;
    store.tamperForTest(credit.streamId, 2n, { ...credit.data, amountMinor: '2600' });
    const checks = await audit(store);
    expect(failed(checks)).toEqual(['conservation', 'double-entry', 'read-model-drift']);
    const conservation = checks.get('conservation')!;
    expect(conservation.summary).toContain('MYR +100');
    expect(conservation.findings).toEqual([expect.stringContaining(
      `after transaction ${credit.position.transactionId} (up to position `
        + `${encodePosition(credit.position)}): MYR sums to +100`)]);
    expect(checks.get('double-entry')?.findings).toEqual([expect.stringMatching(
      new RegExp('movement m-transfer-1: debit at wallet-w-alice v3 .* is 2500 MYR '
        + 'but credit at wallet-w-bob v2 .* is 2600 MYR'))]);
  });

test('a debit without its credit is found, and conservation fails', async () => {
  await appendWalletEvents(store, [[movement('WalletDebited', ALICE, BOB, 100n)]]);
  const checks = await audit(store, [...healthyReadModel().slice(0, 1),
    row(ALICE, ADJUSTED_MINOR - TRANSFERRED_MINOR - 100n, 4n), row(BOB, TRANSFERRED_MINOR, 2n)]);
  expect(failed(checks)).toEqual(['conservation', 'double-entry']);
  expect(checks.get('double-entry')?.findings).toEqual([
    expect.stringMatching(new RegExp('^debit at wallet-w-alice v4 .*\\(movement m-forged, '
      + '100 MYR\\) has no matching credit on w-bob$')),
  ]);
});

test('halves split over two transactions balance at the end but not in between',
  async () => {
    await appendWalletEvents(store, [[movement('WalletDebited', ALICE, BOB, 100n)]]);
    await appendWalletEvents(store, [[movement('WalletCredited', BOB, ALICE, 100n)]]);
    const checks = await audit(store, [...healthyReadModel().slice(0, 1),
      row(ALICE, ADJUSTED_MINOR - TRANSFERRED_MINOR - 100n, 4n),
      row(BOB, TRANSFERRED_MINOR + 100n, 3n)]);
    expect(failed(checks)).toEqual(['conservation']);
    expect(checks.get('conservation')?.summary).toContain('balanced at the end');
    expect(checks.get('conservation')?.findings).toEqual([expect.stringContaining('MYR sums to -100')]);
  });

test('a customer wallet overdrawn by a forged movement is named once', async () => {
  const overdraft = ADJUSTED_MINOR;
  await appendWalletEvents(store, [
    [movement('WalletDebited', ALICE, BOB, overdraft)],
    [movement('WalletCredited', BOB, ALICE, overdraft)],
  ]);
  const checks = await audit(store, [...healthyReadModel().slice(0, 1),
    row(ALICE, -TRANSFERRED_MINOR, 4n), row(BOB, TRANSFERRED_MINOR + overdraft, 3n)]);
  expect(failed(checks)).toEqual(['non-negative-balances']);
  expect(checks.get('non-negative-balances')?.findings).toEqual([expect.stringMatching(
    new RegExp('^wallet-w-alice v4 .*: user wallet at balance -2500, '
      + 'available -2500 MYR after WalletDebited$'))]);
});

test('an event that no longer parses is named, and the scan goes on', async () => {
  const events = await allEvents(store);
  const credit = events.find((e) => e.streamId === `wallet-${BOB}` && e.streamVersion === 2n)!;
  store.tamperForTest(credit.streamId, 2n, { ...credit.data, amountMinor: '-5' });
  const checks = await audit(store);
  expect(checks.get('decodable')?.findings).toEqual(
    [expect.stringMatching(/^wallet-w-bob v2 .*cannot decode WalletCredited v1: amountMinor/)]);
  expect(failed(checks)).toContain('double-entry'); // Its partner debit is now alone.
});

test('read-model drift names each differing, missing and extra wallet', async () => {
  const [system, alice] = healthyReadModel();
  const checks = await audit(store, [system!, { ...alice!, balanceMinor: 1n, version: 2n },
    row('w-ghost', 0n, 1n)]);
  expect(failed(checks)).toEqual(['read-model-drift']);
  expect(checks.get('read-model-drift')?.findings).toEqual([
    'wallet w-alice: balance 1 vs 7500, version 2 vs 3 (read model vs events)',
    'rm_wallets has wallet w-ghost, which has no event at or before the checkpoint',
    'wallet w-bob is missing from rm_wallets',
  ]);
});

test('drift is judged at the checkpoint, so a lagging read model is not drift', async () => {
  const events = await allEvents(store);
  const { transactionId } = events.find((e) => e.type === 'WalletCredited')!.position;
  const adjustmentCommit = events.filter((e) => e.position.transactionId === transactionId)
    .at(-1)!.position;
  const asOfAdjustment = [
    row(ADJUSTMENTS, -ADJUSTED_MINOR, 2n), row(ALICE, ADJUSTED_MINOR, 2n), row(BOB, 0n, 1n),
  ];
  const checks = await audit(store, asOfAdjustment, adjustmentCommit);
  expect(failed(checks)).toEqual([]);
  expect(checks.get('read-model-drift')?.summary).toContain(encodePosition(adjustmentCommit));
});
