// What command handlers need: the store, aggregate repositories with their in-process caches,
// the per-stream mutex, metrics, and the clock and id source (injected so tests can pin them).
import { randomUUID } from 'node:crypto';
import { KeyedMutex } from '../../shared/concurrency/keyed-mutex';
import { userEventOf } from '../../shared/domain/decode-stored-event';
import { evolveUser, initialUserState, type UserState } from '../../shared/domain/user/user.state';
import type { UserEvent } from '../../shared/domain/user/user.events';
import type { WalletState } from '../../shared/domain/wallet/wallet.state';
import type { WalletEvent } from '../../shared/domain/wallet/wallet.events';
import { userId } from '../../shared/domain/ids';
import { userIdOfStream, userStreamId } from '../../shared/domain/user/user.streams';
import { walletIdOfStream } from '../../shared/domain/wallet/wallet.streams';
import type { AppendRequest, AppendResult, EventStore } from '../../shared/ports/event-store.port';
import type { Metrics } from '../../shared/telemetry/metrics';
import { AggregateRepository } from '../../shared/aggregates/aggregate-repository';
import { createWalletRepository } from '../../shared/aggregates/wallet.aggregate';

export type CommandDeps = Readonly<{
  store: EventStore;
  metrics: Metrics;
  mutex: KeyedMutex;
  wallets: AggregateRepository<WalletState, WalletEvent>;
  users: AggregateRepository<UserState, UserEvent>;
  clock: () => Date;
  newId: () => string;
  onCommitted: (append: Omit<AppendRequest, 'idempotency'>, result: AppendResult) => void;
  /**
   * An append was submitted and is in flight: the caches take the states it will leave, as
   * speculative (shared/aggregates/aggregate-repository.ts), so the next command on those
   * aggregates decides at once, chained after it.
   */
  onSubmitted: (append: Omit<AppendRequest, 'idempotency'>, pending: Promise<AppendResult>) => void;
}>;

export function createCommandDeps(store: EventStore, metrics: Metrics): CommandDeps {
  const wallets = createWalletRepository(store);
  const users = new AggregateRepository<UserState, UserEvent>(store, {
    streamIdOf: (id) => userStreamId(userId(id)),
    decode: userEventOf,
    evolve: evolveUser,
    initialState: initialUserState,
  });
  return {
    store,
    metrics,
    mutex: new KeyedMutex(),
    wallets,
    users,
    clock: () => new Date(),
    newId: randomUUID,
    onCommitted: (append, result) => {
      for (const { streamId, events } of append.streams) {
        if (events.length === 0) continue;
        const nextVersion = result.position ? result.nextVersions.get(streamId) : undefined;
        const cached = cachedAggregate(streamId);
        if (!cached) continue;
        if (nextVersion === undefined) cached.repository.forget(cached.id);
        else cached.repository.advance(cached.id, events, nextVersion);
      }
    },
    onSubmitted: (append, pending) => {
      for (const { streamId, expectedVersion, events } of append.streams) {
        if (events.length === 0) continue;
        const cached = cachedAggregate(streamId);
        if (!cached) continue;
        // With 'any' the version the append will reach is not known before it commits.
        const from = expectedVersion === 'no-stream' ? 0n : expectedVersion;
        if (from === 'any') cached.repository.forget(cached.id);
        else {
          const nextVersion = from + BigInt(events.length);
          cached.repository.speculate(cached.id, events, nextVersion, pending);
        }
      }
    },
  };

  /** The repository that caches the stream's aggregate, and its id there, if any. */
  function cachedAggregate(streamId: string) {
    const walletId = walletIdOfStream(streamId);
    if (walletId !== null) return { repository: wallets as Speculating, id: walletId as string };
    const ownerId = userIdOfStream(streamId);
    if (ownerId !== null) return { repository: users as Speculating, id: ownerId as string };
    return null;
  }
}

/** What onCommitted and onSubmitted do with a repository, whatever its aggregate. */
type Speculating = Pick<AggregateRepository<unknown, unknown>, 'advance' | 'forget' | 'speculate'>;
