// The role grants and revocations of a wallet's owner, from the owner's own stream, with who
// made each change: `tng audit replay` shows them so an auditor sees who made a wallet's
// owner a merchant or an admin. Only role events are read; nothing else of the user leaves.
import { userEventOf } from '../domain/decode-stored-event';
import { userId as toUserId } from '../domain/ids';
import { userStreamId } from '../domain/user/user.streams';
import type { EventStore } from '../ports/event-store.port';
import { REPLAY_PAGE_SIZE_MAX } from './replay-wallet';

export type RoleChange = Readonly<{
  recordedAt: string;
  change: 'granted' | 'revoked';
  role: string;
  actorId: string | null;
}>;

/** Up to `at` (inclusive), when given, like the wallet's own replay. */
export async function ownerRoleChanges(
  store: EventStore,
  ownerId: string,
  at?: Date,
): Promise<RoleChange[]> {
  const streamId = userStreamId(toUserId(ownerId));
  const changes: RoleChange[] = [];
  for (let fromVersion = 1n; ;) {
    const page = await store.readStream(streamId, { fromVersion, limit: REPLAY_PAGE_SIZE_MAX });
    for (const recorded of page) {
      if (at && recorded.recordedAt > at) return changes;
      if (recorded.type !== 'UserRoleGranted' && recorded.type !== 'UserRoleRevoked') continue;
      const event = userEventOf(recorded);
      if (event.type !== 'UserRoleGranted' && event.type !== 'UserRoleRevoked') continue;
      const actorId = recorded.metadata?.actorId;
      changes.push({
        recordedAt: recorded.recordedAt.toISOString(),
        change: event.type === 'UserRoleGranted' ? 'granted' : 'revoked',
        role: event.data.role,
        actorId: typeof actorId === 'string' ? actorId : null,
      });
    }
    if (page.length < REPLAY_PAGE_SIZE_MAX) return changes;
    fromVersion = page.at(-1)!.streamVersion + 1n;
  }
}
