// Audit replay speed: one wallet with `events` events in its stream, replayed from the event
// log with the same code as `tng audit replay` (read in pages, parse, upcast, fold).
import { randomUUID } from 'node:crypto';
import { replayWallet } from '../../shared/audit/replay-wallet';
import type { EventStore, NewEvent } from '../../shared/ports/event-store.port';

const APPEND_EVENTS_PER_CALL = 1_000;

export async function benchReplay(
  store: EventStore,
  events: number,
): Promise<{
  events: number;
  seconds: number;
  eventsPerSecond: number;
}> {
  const walletId = randomUUID();
  const streamId = `wallet-${walletId}`;
  const now = new Date().toISOString();
  const metadata = { occurredAt: now, actorId: 'bench' };
  const opened: NewEvent = {
    eventId: randomUUID(),
    type: 'WalletOpened',
    schemaVersion: 2,
    data: { walletId, ownerId: randomUUID(), kind: 'user', currency: 'MYR' },
    metadata,
  };
  const credit = (): NewEvent => ({
    eventId: randomUUID(),
    type: 'WalletCredited',
    schemaVersion: 1,
    data: {
      walletId,
      movementId: randomUUID(),
      movementKind: 'adjustment',
      currency: 'MYR',
      amountMinor: '1',
      counterpartyWalletId: 'system-adjustments-MYR',
      occurredAt: now,
    },
    metadata,
  });
  let written = 0;
  while (written < events) {
    const count = Math.min(APPEND_EVENTS_PER_CALL, events - written);
    const batch = Array.from({ length: count }, (_, i) => (written + i === 0 ? opened : credit()));
    await store.append({ streams: [{ streamId, expectedVersion: 'any', events: batch }] });
    written += count;
  }
  const started = process.hrtime.bigint();
  const { state } = await replayWallet(store, walletId);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (state.status === 'absent' || state.balanceMinor !== BigInt(events - 1)) {
    throw new Error('replay did not reach the seeded balance');
  }
  return {
    events,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSecond: Math.round(events / seconds),
  };
}
