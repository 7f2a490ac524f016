// `tng users grant-role <email> <role>`: the operator's bootstrap (first admin, auditors,
// merchants). Finds the user through the e-mail claim the registration wrote, decides
// GrantRole on the user's stream and appends with its expected version, retrying a bounded
// number of times if the stream moved meanwhile. Granting a role already held changes
// nothing and succeeds.
import { randomUUID } from 'node:crypto';
import { EMAIL_CLAIM_SCOPE } from '../../command-api/src/handlers/user.handlers';
import { CheckFailed, UsageError } from '../../shared/cli/cli-errors';
import type { CommandResult } from '../../shared/cli/cli-output';
import { withCliRuntime } from './cli-runtime';
import { encodeDomainEvent } from '../../shared/domain/event-codec';
import { userId as toUserId, type UserId } from '../../shared/domain/ids';
import { grantRole, isRole } from '../../shared/domain/user/user.decider';
import { ROLES, type Role } from '../../shared/domain/user/user.events';
import { userStreamId } from '../../shared/domain/user/user.streams';
import { EmailSchema } from '../../shared/http/schemas';
import { VersionConflict, type EventStore } from '../../shared/ports/event-store.port';
import { loadUser } from './load-user';

export const GRANT_ATTEMPTS_MAX = 5;

export async function usersGrantRole(email: string, role: string): Promise<CommandResult> {
  if (!isRole(role)) {
    throw new UsageError(`unknown role "${role}"; valid roles: ${ROLES.join(', ')}`);
  }
  // The same e-mail schema as register and login, so the CLI finds the user they created.
  const parsed = EmailSchema.safeParse(email);
  if (!parsed.success) {
    const why = parsed.error.issues[0]?.message;
    throw new UsageError(`${JSON.stringify(email)} is not an e-mail: ${why}`);
  }
  const normalized = parsed.data;
  return withCliRuntime(async (runtime) => {
    const owner = await runtime.store.findUniqueClaim(EMAIL_CLAIM_SCOPE, normalized);
    if (owner === null) throw new CheckFailed(`no user is registered with e-mail ${normalized}`);
    const userId = toUserId(owner);
    const changed = await grantWithRetries(runtime.store, userId, role);
    const result = { userId, email: normalized, role, changed };
    return {
      json: result,
      human: () => (changed
        ? `granted ${role} to ${normalized} (user ${userId})`
        : `nothing changed: ${normalized} (user ${userId}) already has the ${role} role`),
    };
  });
}

/** Returns whether an event was appended (false: the role was already held). */
async function grantWithRetries(store: EventStore, userId: UserId, role: Role): Promise<boolean> {
  for (let attempt = 1; attempt <= GRANT_ATTEMPTS_MAX; attempt += 1) {
    const loaded = await loadUser(store, userId);
    if (loaded.state.status === 'absent') {
      throw new CheckFailed(`user ${userId} owns the e-mail claim but has no events`);
    }
    const events = grantRole({ type: 'GrantRole', userId, role }, loaded.state);
    if (events.length === 0) return false;
    const metadata = { occurredAt: new Date().toISOString(), actorId: 'cli' };
    try {
      await store.append({ streams: [{
        streamId: userStreamId(userId),
        expectedVersion: loaded.version,
        events: events.map((event) => ({
          eventId: randomUUID(), ...encodeDomainEvent(event), metadata,
        })),
      }] });
      return true;
    } catch (error) {
      // Another writer appended to the user's stream since we loaded it: decide again.
      if (!(error instanceof VersionConflict)) throw error;
    }
  }
  throw new Error(`user ${userId} kept changing: gave up after ${GRANT_ATTEMPTS_MAX} attempts`);
}
