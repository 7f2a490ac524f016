// Goal: `tng audit verify` finds a plan limit broken in the events themselves, naming the
// wallet and the UTC day, whatever path wrote them: here three RM 1,000 holds placed and
// captured on one day by a FREE wallet (RM 3,000 against RM 1,500), seeded straight into the
// log as a buggy decider would have written them. Releases give back, a hold placed the day
// before counts on its own day, and a PREMIUM plan allows what FREE does not.
import { InMemoryEventStore } from '../adapters/event-store/in-memory.event-store';
import { holdId, movementId, userId } from '../domain/ids';
import { userStreamId } from '../domain/user/user.streams';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import { START_POSITION, type Position } from '../ports/event-store.port';
import type { CheckResult } from './audit-check';
import { LedgerAuditor } from './ledger-auditor';
import {
  ADJUSTMENTS, ALICE, appendWalletEvents, BOB, seedLedger, SEED_NOW, toNewEvent,
} from './testing/ledger-seed';

const HEAD: Position = { transactionId: 10n ** 12n, globalPosition: 10n ** 12n };
const DAY = SEED_NOW.toISOString().slice(0, 10); // 2025-03-10
const YESTERDAY = new Date(SEED_NOW.getTime() - 24 * 60 * 60 * 1000);
const RM_1000 = 100_000n;

let store: InMemoryEventStore;
beforeEach(async () => {
  store = new InMemoryEventStore();
  await seedLedger(store);
  await appendWalletEvents(store, movement('m-fund', ADJUSTMENTS, ALICE, 500_000n, 'adjustment'));
});

async function planLimitsCheck(): Promise<CheckResult> {
  const auditor = new LedgerAuditor({ driftCheckpoint: HEAD });
  auditor.accept(await store.readAll({ after: START_POSITION, limit: 1_000 }));
  const checks = auditor.finish([]);
  const check = checks.find((c) => c.check === 'plan-limits');
  if (!check) throw new Error('plan-limits is not registered with the ledger auditor');
  // The forged events are otherwise sound: only the limits are broken.
  for (const name of ['conservation', 'double-entry', 'non-negative-balances']) {
    expect(checks.find((c) => c.check === name)?.ok).toBe(true);
  }
  return check;
}

function movement(id: string, from: string, to: string, amountMinor: bigint,
  kind: 'transfer' | 'adjustment' | 'hold_capture', hold?: string): WalletEvent[][] {
  const data = (walletId: string, counterpartyWalletId: string) => ({
    walletId, counterpartyWalletId, movementId: movementId(id), movementKind: kind,
    currency: 'MYR', amountMinor, occurredAt: SEED_NOW.toISOString(),
    ...(hold ? { holdId: holdId(hold) } : {}),
  });
  return [
    [{ type: 'WalletDebited', data: data(from, to) } as WalletEvent],
    [{ type: 'WalletCredited', data: data(to, from) } as WalletEvent],
  ];
}

const placed = (id: string, amountMinor: bigint, at: Date = SEED_NOW): WalletEvent => ({
  type: 'HoldPlaced',
  data: {
    walletId: ALICE, holdId: holdId(id), currency: 'MYR', amountMinor, reason: 'forged',
    expiresAt: new Date(at.getTime() + 3_600_000).toISOString(), placedAt: at.toISOString(),
  },
} as WalletEvent);

async function captureWhole(id: string, amountMinor: bigint): Promise<void> {
  const [debit, credit] = movement(`m-${id}`, ALICE, BOB, amountMinor, 'hold_capture', id);
  const captured = {
    type: 'HoldCaptured',
    data: {
      walletId: ALICE, holdId: holdId(id), movementId: movementId(`m-${id}`), currency: 'MYR',
      capturedAmountMinor: amountMinor, releasedAmountMinor: 0n, targetWalletId: BOB,
    },
  } as WalletEvent;
  await appendWalletEvents(store, [[captured, ...debit!], credit!]);
}

async function threeHoldsCaptured(): Promise<void> {
  for (const id of ['h-1', 'h-2', 'h-3']) {
    await appendWalletEvents(store, [[placed(id, RM_1000)]]);
    await captureWhole(id, RM_1000);
  }
}

test('a ledger written by the deciders keeps every plan limit', async () => {
  const check = await planLimitsCheck();
  expect(check).toMatchObject({ ok: true, findingsTotal: 0 });
  expect(check.summary).toContain('2 user wallets');
});

test('three RM 1,000 holds captured in one day: the wallet and the day are named', async () => {
  await threeHoldsCaptured();
  const check = await planLimitsCheck();
  expect(check.ok).toBe(false);
  expect(check.findingsTotal).toBe(1);
  expect(check.data).toEqual({ walletDaysOver: '1' });
  const [finding] = check.findings;
  expect(finding).toContain(`wallet ${ALICE} on ${DAY}`);
  // The seed's RM 25 transfer, then two holds: the second takes the day over the limit.
  expect(finding).toContain('outgoing 202500 MYR is over the FREE daily limit of 150000');
  expect(finding).toContain(`wallet-${ALICE}`); // the place: the second hold's event
});

test('a release gives its share back: hold, release, hold stays within the day', async () => {
  await appendWalletEvents(store, [[placed('h-1', RM_1000)]]);
  await appendWalletEvents(store, [[
    { type: 'HoldReleased', data: { walletId: ALICE, holdId: holdId('h-1') } } as WalletEvent,
  ]]);
  await appendWalletEvents(store, [[placed('h-2', RM_1000)]]);
  await captureWhole('h-2', RM_1000);
  expect(await planLimitsCheck()).toMatchObject({ ok: true });
});

test('a hold placed the day before counts on its own day, not on the capture day', async () => {
  await appendWalletEvents(store, [[placed('h-1', RM_1000, YESTERDAY)]]);
  await captureWhole('h-1', RM_1000);
  // Today: the seed's RM 25 transfer plus RM 1,000 more is within RM 1,500.
  await appendWalletEvents(store, movement('m-today', ALICE, BOB, RM_1000, 'transfer'));
  expect(await planLimitsCheck()).toMatchObject({ ok: true });
});

test('a single transfer over the per-transfer limit is named', async () => {
  await appendWalletEvents(store, movement('m-big', ALICE, BOB, RM_1000 + 1n, 'transfer'));
  const check = await planLimitsCheck();
  expect(check.findings).toEqual([
    expect.stringContaining(`wallet ${ALICE} on ${DAY}: transfer of 100001 MYR is over the FREE `
      + 'per-transfer limit of 100000'),
  ]);
});

test('the owner PREMIUM that day: the same three holds are within the plan', async () => {
  await store.append({
    streams: [{
      streamId: userStreamId(userId('u-alice')), expectedVersion: 'any',
      events: [toNewEvent({
        type: 'UserPlanChanged',
        data: { userId: userId('u-alice'), plan: 'PREMIUM', reason: 'subscription_created' },
      })],
    }],
  });
  await threeHoldsCaptured();
  expect(await planLimitsCheck()).toMatchObject({ ok: true });
});
