// Who an e-mail goes to: wallet id -> owner -> the owner's current e-mail and name, read from
// the event store (the wallet stream's WalletOpened names the owner; the user stream gives the
// e-mail and name), never from read models, so a mail never waits for the projector.
// Bounded memory: a wallet's owner never changes, so it is remembered (at most
// OWNER_CACHE_ENTRIES_MAX wallets, least recently used forgotten first); a user's state is
// cached by the aggregate repository, which still reads the events after the cached version
// on every lookup, so a changed e-mail or name is seen at once.
// System accounts and wallets whose owner has no user stream (a merchant without a registered
// user) have no recipient: null.
import { AggregateRepository } from '../../../shared/aggregates/aggregate-repository';
import { decodeWalletEvent, decodeUserEvent } from '../../../shared/domain/event-codec';
import { walletId as toWalletId, type UserId } from '../../../shared/domain/ids';
import { evolveUser, initialUserState, type UserState } from '../../../shared/domain/user/user.state';
import { userStreamId } from '../../../shared/domain/user/user.streams';
import type { UserEvent } from '../../../shared/domain/user/user.events';
import { walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import type { EventStore } from '../../../shared/ports/event-store.port';

export const OWNER_CACHE_ENTRIES_MAX = 10_000;
export const USER_CACHE_ENTRIES_MAX = 10_000;
const SYSTEM_WALLET_PREFIX = 'system-';

export type Party = Readonly<{ userId: UserId; email: string; name: string }>;

export interface RecipientDirectory {
  /** The wallet's owner as a mail recipient, or null (system account, no user, no wallet). */
  ownerOfWallet(walletId: string): Promise<Party | null>;
  /** The user as a mail recipient, or null when the user has no stream. */
  user(userId: string): Promise<Party | null>;
}

export function createRecipientDirectory(store: EventStore): RecipientDirectory {
  const owners = new Map<string, UserId | null>();
  const users = new AggregateRepository<UserState, UserEvent>(store, {
    streamIdOf: (id) => userStreamId(id as UserId),
    decode: decodeUserEvent,
    evolve: evolveUser,
    initialState: initialUserState,
  }, USER_CACHE_ENTRIES_MAX);

  const user = async (userId: string): Promise<Party | null> => {
    const { state } = await users.load(userId);
    if (state.status !== 'registered') return null;
    return { userId: state.userId, email: state.email, name: state.name };
  };

  const ownerIdOf = async (walletId: string): Promise<UserId | null | undefined> => {
    if (owners.has(walletId)) {
      const owner = owners.get(walletId) ?? null;
      owners.delete(walletId); // Re-insert: Map order is recency order (LRU).
      owners.set(walletId, owner);
      return owner;
    }
    const [first] = await store.readStream(walletStreamId(toWalletId(walletId)), {
      fromVersion: 1n,
      limit: 1,
    });
    // Not opened (yet): nothing to remember, a later message may find it.
    if (first === undefined) return undefined;
    const opened = decodeWalletEvent(first);
    const owner = opened.type === 'WalletOpened' && opened.data.kind !== 'system'
      ? opened.data.ownerId
      : null;
    owners.set(walletId, owner);
    if (owners.size > OWNER_CACHE_ENTRIES_MAX) {
      const oldest = owners.keys().next().value;
      if (oldest !== undefined) owners.delete(oldest);
    }
    return owner;
  };

  return {
    user,
    async ownerOfWallet(walletId) {
      if (walletId.startsWith(SYSTEM_WALLET_PREFIX)) return null;
      const owner = await ownerIdOf(walletId);
      return owner ? user(owner) : null;
    },
  };
}
