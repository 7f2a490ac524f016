// Stream ids of the user aggregate: a user lives in stream `user-<userId>`.
import { userId, type UserId } from '../ids';

export const USER_STREAM_PREFIX = 'user-';

export const userStreamId = (id: UserId): string => `${USER_STREAM_PREFIX}${id}`;

/** The user id inside a `user-...` stream id, or null for any other stream. */
export function userIdOfStream(streamId: string): UserId | null {
  if (!streamId.startsWith(USER_STREAM_PREFIX)) return null;
  return userId(streamId.slice(USER_STREAM_PREFIX.length));
}
