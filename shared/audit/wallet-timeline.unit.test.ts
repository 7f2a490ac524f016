// Goal: `tng audit replay` steps say what each event did and the figures after it, and the
// hash-chain check names the first broken stream and version.
import { InMemoryEventStore } from '../adapters/event-store/in-memory.event-store';
import { domainEventCodec } from '../domain/event-codec';
import { hashChainCheck } from './hash-chain.check';
import { replayWallet } from './replay-wallet';
import { ALICE, seedLedger } from './testing/ledger-seed';
import { timelineStep, type TimelineStep } from './wallet-timeline';
import { holdId, userId, walletId } from '../domain/ids';
import { emptyOpenedWallet } from '../domain/wallet/wallet.state';

test('each step of a replayed wallet carries its movement and the balance after it', async () => {
  const store = new InMemoryEventStore({ codec: domainEventCodec });
  await seedLedger(store);
  const steps: TimelineStep[] = [];
  await replayWallet(store, ALICE, { onStep: (step) => steps.push(timelineStep(step)) });
  const brief = steps.map(({ version, type, movementId, direction, amount, counterpartyWalletId,
    balanceAfter, heldAfter, availableAfter, currency }) => ({ version, type, movementId,
    direction, amount, counterpartyWalletId, balanceAfter, heldAfter, availableAfter, currency }));
  expect(brief).toEqual([
    { version: '1', type: 'WalletOpened', movementId: null, direction: null, amount: null,
      counterpartyWalletId: null, balanceAfter: '0', heldAfter: '0', availableAfter: '0',
      currency: 'MYR' },
    { version: '2', type: 'WalletCredited', movementId: 'm-adjust-1', direction: 'credit',
      amount: '10000', counterpartyWalletId: 'system-adjustments-MYR', balanceAfter: '10000',
      heldAfter: '0', availableAfter: '10000', currency: 'MYR' },
    { version: '3', type: 'WalletDebited', movementId: 'm-transfer-1', direction: 'debit',
      amount: '2500', counterpartyWalletId: 'w-bob', balanceAfter: '7500', heldAfter: '0',
      availableAfter: '7500', currency: 'MYR' },
  ]);
  expect(steps[2]?.detail).toBe('lunch');
});

test('the hash-chain check passes through the store\'s verdict, naming the broken place', () => {
  expect(hashChainCheck({ ok: true, streams: 3, events: 7 })).toEqual(expect.objectContaining({
    ok: true, findings: [], data: { streams: '3', events: '7' },
  }));
  const broken = hashChainCheck({
    ok: false, streamId: 'wallet-w-bob', streamVersion: 2n, problem: 'hash does not match',
  });
  expect(broken).toEqual(expect.objectContaining({
    ok: false,
    summary: 'first broken place: stream wallet-w-bob version 2',
    findings: ['stream wallet-w-bob version 2: hash does not match'],
  }));
});

test('a hold\'s end shows its reason, what it released and who asked for it', () => {
  const opened = emptyOpenedWallet({
    walletId: walletId('w-1'), kind: 'user', ownerId: userId('u-1'), currency: 'MYR',
    systemAccount: null,
  });
  const holding = { ...opened, heldMinor: 3000n, balanceMinor: 5000n,
    activeHolds: new Map([[holdId('h-1'),
      { amountMinor: 3000n, expiresAt: '2030-01-01T00:00:00Z', countedOn: '2025-03-10' }]]) };
  const after = { ...holding, heldMinor: 0n, activeHolds: new Map() };
  const recorded = (type: string, version: bigint) => ({
    eventId: 'e', type, schemaVersion: 1, data: {}, streamId: 'wallet-w-1',
    streamVersion: version, position: { transactionId: 1n, globalPosition: version },
    recordedAt: new Date('2025-03-10T08:00:00Z'), hash: 'x',
    metadata: { occurredAt: '2025-03-10T08:00:00Z', actorId: 'u-admin' },
  });
  const reasons = new Map<string, string>();
  timelineStep({ recorded: recorded('HoldPlaced', 2n), before: opened, state: holding,
    event: { type: 'HoldPlaced', data: { walletId: walletId('w-1'), holdId: holdId('h-1'),
      currency: 'MYR', amountMinor: 3000n, reason: 'taxi', expiresAt: '2030-01-01T00:00:00Z',
      placedAt: '2025-03-10T08:00:00Z' } },
  }, reasons);
  const released = timelineStep({ recorded: recorded('HoldReleased', 3n), before: holding,
    state: after,
    event: { type: 'HoldReleased', data: { walletId: walletId('w-1'), holdId: holdId('h-1') } },
  }, reasons);
  expect(released).toEqual(expect.objectContaining({
    holdId: 'h-1', releasedAmount: '3000', detail: 'taxi', actorId: 'u-admin', heldAfter: '0',
    availableAfter: '5000',
  }));
});
