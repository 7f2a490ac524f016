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
        const walletId = walletIdOfStream(streamId);
        const ownerId = walletId === null ? userIdOfStream(streamId) : null;
        const repository = walletId !== null ? wallets : ownerId !== null ? users : null;
        const id = walletId ?? ownerId;
        if (!repository || id === null) continue;
        if (nextVersion === undefined) repository.forget(id);
        else repository.advance(id, events, nextVersion);
      }
    },
  };
}
