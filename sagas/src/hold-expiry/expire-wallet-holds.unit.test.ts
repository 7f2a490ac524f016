// Goal: expiring one wallet's holds is idempotent whatever interleaving two sweepers meet,
// and bounded. On the in-memory store: a twin that appended the same expiries first (same
// deterministic ids) makes the second append a no-op; a twin that appended something else
// makes it conflict, reload and expire only what is still active; a wallet that never stops
// changing is given up after EXPIRE_ATTEMPTS_MAX attempts; an absent wallet expires nothing.
import { InMemoryEventStore } from '../../../shared/adapters/event-store/in-memory.event-store';
import { createWalletRepository } from '../../../shared/aggregates/wallet.aggregate';
import { domainEventCodec } from '../../../shared/domain/event-codec';
import { appendWalletEvents } from '../../../shared/audit/testing/ledger-seed';
import { holdId as toHoldId, walletId as toWalletId } from '../../../shared/domain/ids';
import { releaseHold } from '../../../shared/domain/wallet/hold.decider';
import { InfraError } from '../../../shared/errors/domain-error';
import { VersionConflict, type EventStore } from '../../../shared/ports/event-store.port';
import { hoursAgo, seedWalletWithHolds } from '../testing/holds-seed';
import { EXPIRE_ATTEMPTS_MAX, expireWalletHolds } from './expire-wallet-holds';

const OVERDUE = { placedAt: hoursAgo(2), expiresInSeconds: 60 };
const now = () => new Date();

function storeWithHookBeforeAppend(inner: EventStore, before: () => Promise<void>): EventStore {
  let fired = false;
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== 'append') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<EventStore['append']>) => {
        if (!fired) {
          fired = true;
          await before();
        }
        return target.append(...args);
      };
    },
  });
}

async function expiredCount(store: EventStore, walletId: string): Promise<number> {
  const events = await store.readStream(`wallet-${walletId}`, { fromVersion: 1n, limit: 1_000 });
  return events.filter((event) => event.type === 'HoldExpired').length;
}

test('a twin that appended the same expiries first makes the append a no-op', async () => {
  const store = new InMemoryEventStore({ codec: domainEventCodec });
  const { walletId } = await seedWalletWithHolds(store, [OVERDUE, OVERDUE]);
  const twin = { store, wallets: createWalletRepository(store) };
  const racing = storeWithHookBeforeAppend(store, async () => {
    expect(await expireWalletHolds(twin, walletId, now())).toBe(2);
  });
  const conflicts: number[] = [];
  const deps = {
    store: racing,
    wallets: createWalletRepository(store),
    onConflict: () => conflicts.push(1),
  };
  expect(await expireWalletHolds(deps, walletId, now())).toBe(0);
  expect(await expiredCount(store, walletId)).toBe(2);
  expect(conflicts).toEqual([]);
});

test('a release that wins the race makes it conflict, reload and expire the rest', async () => {
  const store = new InMemoryEventStore({ codec: domainEventCodec });
  const { walletId, holdIds } = await seedWalletWithHolds(store, [OVERDUE, OVERDUE]);
  const [released, remaining] = holdIds as [string, string];
  // The owner releases the first hold (as command-api would) between our load and append.
  const racing = storeWithHookBeforeAppend(store, async () => {
    const events = releaseHold(
      { type: 'ReleaseHold', walletId: toWalletId(walletId), holdId: toHoldId(released) },
      (await createWalletRepository(store).load(walletId)).state,
    );
    await appendWalletEvents(store, [events]);
  });
  const conflicts: number[] = [];
  const deps = {
    store: racing,
    wallets: createWalletRepository(store),
    onConflict: () => conflicts.push(1),
  };
  expect(await expireWalletHolds(deps, walletId, now())).toBe(1);
  expect(conflicts).toHaveLength(1);
  const events = await store.readStream(`wallet-${walletId}`, { fromVersion: 1n, limit: 100 });
  const ended = events.filter((event) => event.type.startsWith('Hold') && event.type !== 'HoldPlaced');
  expect(ended.map((event) => [event.type, event.data.holdId])).toEqual([
    ['HoldReleased', released],
    ['HoldExpired', remaining],
  ]);
});

test('a wallet that keeps changing is given up after EXPIRE_ATTEMPTS_MAX', async () => {
  const inner = new InMemoryEventStore({ codec: domainEventCodec });
  const { walletId } = await seedWalletWithHolds(inner, [OVERDUE]);
  let appends = 0;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== 'append') return Reflect.get(target, property, receiver);
      return async () => {
        appends += 1;
        throw new VersionConflict(`wallet-${walletId}`, 1n, 2n);
      };
    },
  });
  const conflicts: number[] = [];
  const onConflict = () => conflicts.push(1);
  const deps = { store, wallets: createWalletRepository(inner), onConflict };
  await expect(expireWalletHolds(deps, walletId, now())).rejects.toBeInstanceOf(InfraError);
  expect(appends).toBe(EXPIRE_ATTEMPTS_MAX);
  expect(conflicts).toHaveLength(EXPIRE_ATTEMPTS_MAX);
  expect(await expiredCount(inner, walletId)).toBe(0);
});

test('an absent wallet, or one with nothing due, appends nothing', async () => {
  const store = new InMemoryEventStore({ codec: domainEventCodec });
  const deps = { store, wallets: createWalletRepository(store) };
  expect(await expireWalletHolds(deps, 'w-nobody', now())).toBe(0);
  const notDue = { placedAt: now(), expiresInSeconds: 600 };
  const { walletId } = await seedWalletWithHolds(store, [notDue]);
  expect(await expireWalletHolds(deps, walletId, now())).toBe(0);
  expect(await expiredCount(store, walletId)).toBe(0);
});
