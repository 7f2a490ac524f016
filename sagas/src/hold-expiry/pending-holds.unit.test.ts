// Goal: the fold behind the saga's table of pending holds. A batch of placements starts
// watching each hold with its wallet and expiry; a release (or capture, or expiry) ends it;
// a hold placed and ended within one batch is only ever deleted, never inserted; events of
// other types change nothing.
import { InMemoryEventStore } from '../../../shared/adapters/event-store/in-memory.event-store';
import { createWalletRepository } from '../../../shared/aggregates/wallet.aggregate';
import { appendWalletEvents } from '../../../shared/audit/testing/ledger-seed';
import { domainEventCodec } from '../../../shared/domain/event-codec';
import { holdId as toHoldId } from '../../../shared/domain/ids';
import { releaseHold } from '../../../shared/domain/wallet/hold.decider';
import { START_POSITION, type EventStore } from '../../../shared/ports/event-store.port';
import { hoursAgo, seedWalletWithHolds } from '../testing/holds-seed';
import { foldPendingHolds } from './pending-holds';

const PLACED_AT = hoursAgo(1);
const SPEC = { placedAt: PLACED_AT, expiresInSeconds: 60 };
const EXPIRES_AT = new Date(PLACED_AT.getTime() + 60_000);

const everything = (store: EventStore) => store.readAll({ after: START_POSITION, limit: 1_000 });

test('placements start watching each hold; other events change nothing', async () => {
  const store = new InMemoryEventStore({ codec: domainEventCodec });
  const { walletId, holdIds } = await seedWalletWithHolds(store, [SPEC, SPEC]);
  const changes = foldPendingHolds(await everything(store));
  expect(changes.ended).toEqual([]);
  expect(changes.started).toEqual(
    holdIds.map((holdId) => ({ holdId, walletId, expiresAt: EXPIRES_AT })),
  );
});

test('a release ends its hold, in the same batch as its placement or a later one', async () => {
  const store = new InMemoryEventStore({ codec: domainEventCodec });
  const { walletId, holdIds } = await seedWalletWithHolds(store, [SPEC, SPEC]);
  const [released, kept] = holdIds as [string, string];
  const before = await everything(store);
  const { state } = await createWalletRepository(store).load(walletId);
  await appendWalletEvents(store, [
    releaseHold({ type: 'ReleaseHold', walletId, holdId: toHoldId(released) }, state),
  ]);
  const all = await everything(store);
  expect(foldPendingHolds(all.slice(before.length))).toEqual({ started: [], ended: [released] });
  expect(foldPendingHolds(all)).toEqual({
    started: [{ holdId: kept, walletId, expiresAt: EXPIRES_AT }],
    ended: [released],
  });
});
