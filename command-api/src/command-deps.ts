// What command handlers need: the store, aggregate repositories with their in-process caches,
// the per-stream mutex, metrics, and the clock and id source (injected so tests can pin them).
import { randomUUID } from 'node:crypto';
import { KeyedMutex } from '../../shared/concurrency/keyed-mutex';
import { decodeUserEvent } from '../../shared/domain/event-codec';
import { evolveUser, initialUserState, type UserState } from '../../shared/domain/user/user.state';
import type { UserEvent } from '../../shared/domain/user/user.events';
import type { WalletState } from '../../shared/domain/wallet/wallet.state';
import type { WalletEvent } from '../../shared/domain/wallet/wallet.events';
import { userId } from '../../shared/domain/ids';
import { userStreamId } from '../../shared/domain/user/user.streams';
import type { EventStore } from '../../shared/ports/event-store.port';
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
}>;

export function createCommandDeps(store: EventStore, metrics: Metrics): CommandDeps {
  return {
    store,
    metrics,
    mutex: new KeyedMutex(),
    wallets: createWalletRepository(store),
    users: new AggregateRepository<UserState, UserEvent>(store, {
      streamIdOf: (id) => userStreamId(userId(id)),
      decode: decodeUserEvent,
      evolve: evolveUser,
      initialState: initialUserState,
    }),
    clock: () => new Date(),
    newId: randomUUID,
  };
}
