// Goal: `tng audit replay` steps say what each event did and the figures after it, and the
// hash-chain check names the first broken stream and version.
import { InMemoryEventStore } from '../adapters/event-store/in-memory.event-store';
import { domainEventCodec } from '../domain/event-codec';
import { hashChainCheck } from './hash-chain.check';
import { replayWallet } from './replay-wallet';
import { ALICE, seedLedger } from './testing/ledger-seed';
import { timelineStep, type TimelineStep } from './wallet-timeline';

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
