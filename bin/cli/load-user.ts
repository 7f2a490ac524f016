// Folds a user's stream (`user-<id>`) into its state and version, for CLI commands that
// decide on it. User streams are short (registration, roles, plan, password changes), and
// the page count is bounded anyway.
import { decodeUserEvent } from '../../shared/domain/event-codec';
import type { UserId } from '../../shared/domain/ids';
import { evolveUser, initialUserState, type UserState } from '../../shared/domain/user/user.state';
import { userStreamId } from '../../shared/domain/user/user.streams';
import { assert } from '../../shared/errors/assert';
import type { EventStore } from '../../shared/ports/event-store.port';

export const USER_PAGE_SIZE_MAX = 1_000;
export const USER_PAGES_MAX = 100;

export async function loadUser(
  store: EventStore,
  userId: UserId,
): Promise<{ state: UserState; version: bigint }> {
  let state = initialUserState();
  let version = 0n;
  for (let page = 0; page < USER_PAGES_MAX; page += 1) {
    const events = await store.readStream(userStreamId(userId), {
      fromVersion: version + 1n, limit: USER_PAGE_SIZE_MAX,
    });
    for (const recorded of events) {
      state = evolveUser(state, decodeUserEvent(recorded));
      version = recorded.streamVersion;
    }
    if (events.length < USER_PAGE_SIZE_MAX) return { state, version };
  }
  assert(false, `user ${userId} has more than ${USER_PAGES_MAX * USER_PAGE_SIZE_MAX} events`);
}
