// The users projection: profile, roles and plan per user. No password hash ever reaches it:
// hashes live in the credentials table, read only by the login handler, and the events say
// only that a password was set.
import type { PoolClient } from 'pg';
import { assert, assertNever } from '../../../shared/errors/assert';
import type { UserEvent } from '../../../shared/domain/user/user.events';
import { userIdOfStream } from '../../../shared/domain/user/user.streams';
import type { RecordedEvent } from '../../../shared/ports/event-store.port';
import type { Projection, TableNames } from '../projection';
import { userEventOf } from '../../../shared/domain/decode-stored-event';

/** A user as the projection folds it and writes it to rm_users (read back as UsersRow). */
export type ProjectedUser = {
  userId: string;
  email: string;
  name: string;
  roles: string[];
  plan: string;
  registeredAt: Date;
  version: bigint;
};

export function projectUserEvent(
  row: ProjectedUser | null,
  event: UserEvent,
  version: bigint,
  recordedAt: Date,
): ProjectedUser | null {
  if (event.type === 'UserRegistered') {
    const { userId, email, name } = event.data;
    return {
      userId,
      email,
      name,
      roles: ['customer'],
      plan: 'FREE',
      registeredAt: recordedAt,
      version,
    };
  }
  assert(row !== null, `${event.type} follows a registration`);
  switch (event.type) {
    case 'UserRoleGranted':
      return { ...row, roles: [...new Set([...row.roles, event.data.role])].sort(), version };
    case 'UserRoleRevoked':
      return { ...row, roles: row.roles.filter((role) => role !== event.data.role), version };
    case 'UserPlanChanged':
      return { ...row, plan: event.data.plan, version };
    case 'UserPasswordChanged':
      return { ...row, version };
    default:
      return assertNever(event);
  }
}

export const usersProjection: Projection = {
  name: 'users',
  tables: ['rm_users'],
  keys: { rm_users: ['user_id'] },
  apply: async (client: PoolClient, events: readonly RecordedEvent[], tables: TableNames) => {
    const userEvents = events.filter((event) => userIdOfStream(event.streamId) !== null);
    if (userEvents.length === 0) return;
    const ids = [...new Set(userEvents.map((event) => userIdOfStream(event.streamId)!))];
    const loaded = await client.query(
      `select user_id, email, name, roles, plan, registered_at, version
         from ${tables.rm_users} where user_id = any($1)`,
      [ids],
    );
    const rows = new Map<string, ProjectedUser>(
      loaded.rows.map((r) => [
        r.user_id,
        {
          userId: r.user_id,
          email: r.email,
          name: r.name,
          roles: r.roles,
          plan: r.plan,
          registeredAt: r.registered_at,
          version: BigInt(r.version),
        },
      ]),
    );
    const dirty = new Map<string, ProjectedUser>();
    for (const recorded of userEvents) {
      const id = userIdOfStream(recorded.streamId)!;
      const row = rows.get(id) ?? null;
      if (row && recorded.streamVersion <= row.version) continue;
      const next = projectUserEvent(
        row,
        userEventOf(recorded),
        recorded.streamVersion,
        recorded.recordedAt,
      );
      if (next) {
        rows.set(id, next);
        dirty.set(id, next);
      }
    }
    const list = [...dirty.values()];
    await client.query(
      `insert into ${tables.rm_users} (user_id, email, name, roles, plan, registered_at, version)
       select u.user_id, u.email, u.name, string_to_array(u.roles, ','), u.plan,
              u.registered_at, u.version
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                     $6::timestamptz[], $7::bigint[])
           as u(user_id, email, name, roles, plan, registered_at, version)
       on conflict (user_id) do update set roles = excluded.roles, plan = excluded.plan,
         version = excluded.version`,
      [
        list.map((r) => r.userId),
        list.map((r) => r.email),
        list.map((r) => r.name),
        list.map((r) => r.roles.join(',')),
        list.map((r) => r.plan),
        list.map((r) => r.registeredAt),
        list.map((r) => r.version.toString()),
      ],
    );
  },
};
