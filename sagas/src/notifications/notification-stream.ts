// Reading and appending a notification's own stream (`notification-<mailId>`), the record of
// what happened to one e-mail. Appends carry the version read and deterministic event ids, so
// an append whose reply was lost is a no-op when tried again, and two senders racing on the
// same mail id cannot both record an outcome.
import {
  decodeDomainEvent,
  encodeDomainEvent,
  isNotificationEvent,
} from '../../../shared/domain/event-codec';
import { deterministicUuid } from '../../../shared/domain/deterministic-uuid';
import {
  evolveNotification,
  notificationStreamId,
  type NotificationDeadLettered,
  type NotificationEvent,
  type NotificationState,
} from '../../../shared/domain/notification/notification.events';
import { assert } from '../../../shared/errors/assert';
import type { EventStore } from '../../../shared/ports/event-store.port';

/** A notification stream is a handful of events; more is a bug (a retry loop gone wild). */
export const NOTIFICATION_STREAM_EVENTS_MAX = 1_000;

export type LoadedNotification = Readonly<{
  state: NotificationState;
  version: bigint;
  /** The last NotificationDeadLettered, to restore the operators' row from. */
  lastDeadLetter: NotificationDeadLettered['data'] | null;
}>;

export async function loadNotification(
  store: EventStore,
  mailId: string,
): Promise<LoadedNotification> {
  const recorded = await store.readStream(notificationStreamId(mailId), {
    fromVersion: 1n,
    limit: NOTIFICATION_STREAM_EVENTS_MAX,
  });
  assert(recorded.length < NOTIFICATION_STREAM_EVENTS_MAX, `notification ${mailId} is too long`);
  let state: NotificationState = { status: 'absent' };
  let lastDeadLetter: LoadedNotification['lastDeadLetter'] = null;
  for (const stored of recorded) {
    const event = decodeDomainEvent(stored);
    assert(isNotificationEvent(event), `${stored.type} in a notification stream`);
    state = evolveNotification(state, event);
    if (event.type === 'NotificationDeadLettered') lastDeadLetter = event.data;
  }
  return { state, version: recorded.at(-1)?.streamVersion ?? 0n, lastDeadLetter };
}

export async function appendNotificationEvent(
  store: EventStore,
  loaded: Pick<LoadedNotification, 'version'>,
  event: NotificationEvent,
  metadata: Readonly<{ occurredAt: string; actorId: string; causationId: string }>,
): Promise<bigint> {
  const { mailId } = event.data;
  const nextVersion = loaded.version + 1n;
  await store.append({
    streams: [{
      streamId: notificationStreamId(mailId),
      expectedVersion: loaded.version === 0n ? 'no-stream' : loaded.version,
      events: [{
        eventId: deterministicUuid(`notification:${mailId}:${nextVersion}`),
        ...encodeDomainEvent(event),
        metadata,
      }],
    }],
  });
  return nextVersion;
}
