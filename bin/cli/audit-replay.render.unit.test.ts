// Goal: `tng audit replay` output an auditor can use: the table fits 120 columns even with
// uuids and large amounts, holds show their reason and what their end released, the actor of
// adjustments and freezes and the owner's role grants are shown; the CSV has one opening row,
// one row per step and one closing row, quoted and guarded against formulas.
import type { TimelineStep } from '../../shared/audit/wallet-timeline';
import { totalsOf } from '../../shared/audit/wallet-period';
import { replayCsv } from './audit-replay.csv';
import { humanReplay } from './audit-replay.human';
import type { ReplayView } from './audit-replay.view';

const WALLET = '6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';
const OTHER = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const HOLD = '11111111-2222-4333-8444-555555555555';
const ADMIN = '99999999-8888-4777-8666-555555555555';
const MOVE = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

const base = {
  position: '1.1', kind: null, movementId: null, holdId: null, direction: null, amount: null,
  releasedAmount: null, currency: 'MYR', counterpartyWalletId: null, detail: null, actorId: null,
} as const;

const steps: TimelineStep[] = [
  { ...base, version: '2', recordedAt: '2025-03-10T08:00:00.000Z', type: 'WalletCredited',
    kind: 'adjustment', movementId: MOVE, direction: 'credit', amount: '99999999999900',
    counterpartyWalletId: 'system-adjustments-MYR', detail: 'correction, "per ticket"',
    actorId: ADMIN, balanceAfter: '99999999999900', heldAfter: '0',
    availableAfter: '99999999999900' },
  { ...base, version: '3', recordedAt: '2025-03-10T08:01:00.000Z', type: 'HoldPlaced',
    holdId: HOLD, amount: '30000', detail: 'hotel deposit', actorId: ADMIN,
    balanceAfter: '99999999999900', heldAfter: '30000', availableAfter: '99999999969900' },
  { ...base, version: '4', recordedAt: '2025-03-10T08:02:00.000Z', type: 'HoldCaptured',
    kind: 'hold_capture', holdId: HOLD, movementId: MOVE, amount: '12345',
    releasedAmount: '17655', counterpartyWalletId: OTHER, detail: 'hotel deposit',
    balanceAfter: '99999999999900', heldAfter: '0', availableAfter: '99999999999900' },
  { ...base, version: '5', recordedAt: '2025-03-10T08:02:00.000Z', type: 'WalletDebited',
    kind: 'hold_capture', holdId: HOLD, movementId: MOVE, direction: 'debit', amount: '12345',
    counterpartyWalletId: OTHER, balanceAfter: '99999999987555', heldAfter: '0',
    availableAfter: '99999999987555' },
  { ...base, version: '6', recordedAt: '2025-03-10T08:03:00.000Z', type: 'WalletFrozen',
    detail: '=cmd|/C calc', actorId: ADMIN, balanceAfter: '99999999987555', heldAfter: '0',
    availableAfter: '99999999987555' },
];

const figures = (balance: string, version: string) => ({
  balance, held: '0', available: balance, currency: 'MYR' as const, version, position: null,
});

const view: ReplayView = {
  walletId: WALLET, kind: 'user', ownerId: OTHER, currency: 'MYR', status: 'frozen',
  from: '2025-03-10T07:00:00.000Z', to: '2025-03-11T00:00:00.000Z',
  opening: figures('0', '1'), steps, closing: figures('99999999987555', '6'),
  totals: totalsOf(steps),
  ownerRoles: [{ recordedAt: '2025-03-09T00:00:00.000Z', change: 'granted', role: 'merchant',
    actorId: ADMIN }],
};

test('the table fits 120 columns and says what each step did and who asked', () => {
  const text = humanReplay(view);
  for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
  expect(text).toContain(`owner granted merchant at 2025-03-09T00:00:00.000Z by ${ADMIN}`);
  expect(text).toContain('opening (version 1): balance 0.00 MYR');
  expect(text).toContain(`hold ${HOLD} placed ("hotel deposit") · by ${ADMIN}`);
  expect(text).toContain(`hold ${HOLD} ("hotel deposit")`);
  expect(text).toContain(`captured 123.45 to ${OTHER} as ${MOVE}`);
  expect(text).toContain('released 176.55');
  expect(text).toContain(`adjustment ${MOVE} from system-adjustments-MYR`);
  expect(text).toContain(`frozen: "=cmd|/C calc" · by ${ADMIN}`);
  expect(text).toContain('closing (version 6): balance 999999999875.55 MYR');
  expect(text).toContain('totals: 2 movements, in 999999999999.00 MYR, out 123.45 MYR');
  expect(text).toContain('0 rejected, holds placed 300.00 MYR, released 176.55 MYR');
});

test('the CSV has opening, steps and closing rows, quoted and formula-safe', () => {
  const lines = replayCsv(view).split('\r\n');
  expect(lines[0]).toBe('version,recordedAt,event,kind,movementId,holdId,direction,amount,'
    + 'releasedAmount,currency,counterpartyWalletId,detail,actorId,balanceAfter,heldAfter,'
    + 'availableAfter');
  expect(lines[1]).toBe('1,2025-03-10T07:00:00.000Z,opening,,,,,,,MYR,,,,0,0,0');
  expect(lines[2]).toContain('"correction, ""per ticket"""');
  expect(lines[5]).toContain(`,${OTHER},,,99999999987555,0,99999999987555`);
  expect(lines[6]).toContain(",'=cmd|/C calc,");
  expect(lines[7]).toBe('6,2025-03-11T00:00:00.000Z,closing,,,,,,,MYR,,,,99999999987555,0,'
    + '99999999987555');
  expect(lines[8]).toBe('');
});
