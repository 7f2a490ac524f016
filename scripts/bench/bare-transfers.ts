// The ceiling for the HTTP benchmark: the same transfer transaction (debit on the source with
// its expected version, credit on the target, one atomic append) straight through the event
// store at the same concurrency, with no HTTP, auth, validation or decision in front of it.
import { randomUUID } from 'node:crypto';
import {
  VersionConflict,
  type EventStore,
  type NewEvent,
} from '../../shared/ports/event-store.port';

export async function bareTransfers(
  store: EventStore,
  walletIds: string[],
  concurrency: number,
  durationMs: number,
): Promise<{ transfers: number; seconds: number; latenciesUs: number[] }> {
  const versions = new Map<string, bigint>();
  for (const id of walletIds) versions.set(id, await store.streamVersion(`wallet-${id}`));
  const deadline = Date.now() + durationMs;
  const started = Date.now();
  const latenciesUs: number[] = [];
  const client = async (k: number) => {
    const mine = walletIds.filter((_, index) => index % concurrency === k);
    for (let sequence = 0; Date.now() < deadline && mine.length > 0; sequence += 1) {
      const source = mine[sequence % mine.length]!;
      let target = walletIds[Math.floor(Math.random() * walletIds.length)]!;
      if (target === source)
        target = walletIds[(walletIds.indexOf(source) + 1) % walletIds.length]!;
      const t0 = process.hrtime.bigint();
      try {
        const movementId = randomUUID();
        const result = await store.append({
          streams: [
            {
              streamId: `wallet-${source}`,
              expectedVersion: versions.get(source)!,
              events: [movement('WalletDebited', source, target, movementId)],
            },
            {
              streamId: `wallet-${target}`,
              expectedVersion: 'any',
              events: [movement('WalletCredited', target, source, movementId)],
            },
          ],
        });
        versions.set(source, result.nextVersions.get(`wallet-${source}`)!);
        latenciesUs.push(Number((process.hrtime.bigint() - t0) / 1000n));
      } catch (error) {
        if (!(error instanceof VersionConflict)) throw error;
        versions.set(source, await store.streamVersion(`wallet-${source}`));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, k) => client(k)));
  return { transfers: latenciesUs.length, seconds: (Date.now() - started) / 1000, latenciesUs };
}

function movement(
  type: string,
  walletId: string,
  counterparty: string,
  movementId: string,
): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    schemaVersion: 1,
    data: {
      walletId,
      movementId,
      movementKind: 'transfer',
      currency: 'MYR',
      amountMinor: '1',
      counterpartyWalletId: counterparty,
      occurredAt: new Date().toISOString(),
    },
    metadata: { occurredAt: new Date().toISOString(), actorId: 'bench' },
  };
}
