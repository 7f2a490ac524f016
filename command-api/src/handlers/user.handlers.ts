// Registration and role changes on the user aggregate. The e-mail's uniqueness is a claim
// written in the same transaction as UserRegistered, so two registrations of one e-mail can
// never both succeed, and login finds the user without waiting for a read model. The
// password hash goes with the same append into the credentials table, never into the event.
import { userId as toUserId } from '../../../shared/domain/ids';
import { grantRole, register } from '../../../shared/domain/user/user.decider';
import { normalizeEmail } from '../../../shared/domain/user/user.events';
import { userStreamId } from '../../../shared/domain/user/user.streams';
import type { EventMetadata } from '../../../shared/ports/event-store.port';
import type { CommandDeps } from '../command-deps';
import type { Outcome } from '../command-runner';
import { appendTo } from '../new-events';
import { notFound } from '../not-found';

export const EMAIL_CLAIM_SCOPE = 'email';

export function decideRegister(
  input: Readonly<{
    userId: string;
    email: string;
    name: string;
    passwordHash: string;
    metadata: EventMetadata;
  }>,
): Outcome {
  const email = normalizeEmail(input.email);
  const userId = toUserId(input.userId);
  const events = register(
    { type: 'RegisterUser', userId, email, name: input.name },
    { status: 'absent' },
  );
  return {
    status: 201,
    body: { userId: input.userId },
    append: {
      streams: [
        appendTo(userStreamId(userId), 'no-stream', events, `register:${userId}`, input.metadata),
      ],
      uniqueClaims: [{ scope: EMAIL_CLAIM_SCOPE, value: email, ownerId: input.userId }],
      credentials: [{ userId: input.userId, passwordHash: input.passwordHash }],
    },
  };
}

export async function handleGrantRole(
  deps: CommandDeps,
  input: Readonly<{
    userId: string;
    role: string;
    seed: string;
    metadata: EventMetadata;
  }>,
): Promise<Outcome> {
  const loaded = await deps.users.load(input.userId);
  if (loaded.state.status === 'absent') throw notFound('user');
  const userId = toUserId(input.userId);
  const events = grantRole({ type: 'GrantRole', userId, role: input.role }, loaded.state);
  return {
    status: 200,
    body: { userId: input.userId, role: input.role, changed: events.length > 0 },
    append: {
      streams: [appendTo(userStreamId(userId), loaded.version, events, input.seed, input.metadata)],
    },
  };
}
