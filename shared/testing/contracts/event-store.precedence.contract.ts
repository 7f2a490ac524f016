// The order in which an append fails or turns into a no-op (EventStore.append documents it):
// a taken idempotency key, then every event already stored (a success that writes nothing),
// then a stale version, then some events already stored, then a claim owned by another.
// Each row below sets two of those conditions (or all, or none) on one append and names the
// one that must decide; whatever the outcome, an append that writes nothing writes none of
// its record, claims or credentials either. Called from the main contract, so it runs on
// every adapter.
import {
  DuplicateEvent, IdempotencyKeyTaken, UniqueClaimTaken, VersionConflict,
  type AppendRequest, type EventStore, type IdempotencyRecord, type NewEvent,
} from '../../ports/event-store.port';
import { aStreamId, anEvent } from '../event-builders';

type Conditions = Readonly<{
  keyTaken?: boolean;
  events?: 'all-stored' | 'some-stored';
  stale?: boolean;
  claimTaken?: boolean;
}>;
type Decision = 'key-taken' | 'stored' | 'version' | 'duplicate' | 'claim' | 'written';

const ERRORS: Partial<Record<Decision, new (...args: never[]) => Error>> = {
  'key-taken': IdempotencyKeyTaken,
  version: VersionConflict,
  duplicate: DuplicateEvent,
  claim: UniqueClaimTaken,
};

/** Pairs first, then all at once and none: the first condition of the order decides. */
export const PRECEDENCE_CASES: ReadonlyArray<readonly [string, Conditions, Decision]> = [
  ['key taken, every event stored', { keyTaken: true, events: 'all-stored' }, 'key-taken'],
  ['key taken, stale version', { keyTaken: true, stale: true }, 'key-taken'],
  ['key taken, some events stored', { keyTaken: true, events: 'some-stored' }, 'key-taken'],
  ['key taken, claim taken', { keyTaken: true, claimTaken: true }, 'key-taken'],
  ['every event stored, stale version', { events: 'all-stored', stale: true }, 'stored'],
  ['every event stored, claim taken', { events: 'all-stored', claimTaken: true }, 'stored'],
  ['stale version, some events stored', { stale: true, events: 'some-stored' }, 'version'],
  ['stale version, claim taken', { stale: true, claimTaken: true }, 'version'],
  ['some events stored, claim taken', { events: 'some-stored', claimTaken: true }, 'duplicate'],
  ['all of them', { keyTaken: true, events: 'some-stored', stale: true, claimTaken: true },
    'key-taken'],
  ['none of them', {}, 'written'],
];

const record = (key: string, responseBody: string): IdempotencyRecord => ({
  scope: 'user-precedence', key, requestHash: 'sha256:precedence', responseStatus: 201,
  responseBody,
});

/** A first append that takes a key, a claim and version 1 of a stream with one event. */
export async function takeEverything(store: EventStore) {
  const streamId = aStreamId('user');
  const stored = anEvent();
  const key = aStreamId('key');
  const email = `${aStreamId('taken')}@example.com`;
  await store.append({
    streams: [{ streamId, expectedVersion: 'no-stream', events: [stored] }],
    idempotency: record(key, '{"first":true}'),
    uniqueClaims: [{ scope: 'user-email', value: email, ownerId: streamId }],
    credentials: [{ userId: streamId, passwordHash: 'hash-first' }],
  });
  return { streamId, stored, key, email };
}

type Taken = Awaited<ReturnType<typeof takeEverything>>;

/** An append on the same stream meeting the conditions, with a fresh key, claim and user. */
export function probe(taken: Taken, conditions: Conditions) {
  const fresh = {
    key: aStreamId('key'), email: `${aStreamId('free')}@example.com`, userId: aStreamId('user'),
  };
  const events: NewEvent[] = conditions.events === 'all-stored' ? [taken.stored]
    : conditions.events === 'some-stored' ? [anEvent(), taken.stored] : [anEvent()];
  const request: AppendRequest = {
    streams: [{
      streamId: taken.streamId, expectedVersion: conditions.stale ? 'no-stream' : 1n, events,
    }],
    idempotency: record(conditions.keyTaken ? taken.key : fresh.key, '{"probe":true}'),
    uniqueClaims: [{
      scope: 'user-email', value: conditions.claimTaken ? taken.email : fresh.email,
      ownerId: fresh.userId,
    }],
    credentials: [{ userId: fresh.userId, passwordHash: 'hash-probe' }],
  };
  return { request, fresh };
}

export async function expectDecision(
  store: EventStore,
  taken: Taken,
  conditions: Conditions,
  decision: Decision,
): Promise<void> {
  const { request, fresh } = probe(taken, conditions);
  const appended = store.append(request);
  const error = ERRORS[decision];
  if (error) await expect(appended).rejects.toBeInstanceOf(error);
  else expect((await appended).position === null).toBe(decision === 'stored');
  const written = decision === 'written';
  expect(await store.streamVersion(taken.streamId)).toBe(written ? 2n : 1n);
  expect(await store.findIdempotency('user-precedence', taken.key))
    .toMatchObject({ responseBody: '{"first":true}' });
  expect(await store.findIdempotency('user-precedence', fresh.key) !== null).toBe(written);
  expect(await store.findUniqueClaim('user-email', taken.email)).toBe(taken.streamId);
  expect(await store.findUniqueClaim('user-email', fresh.email))
    .toBe(written ? fresh.userId : null);
  expect(await store.findPasswordHash(fresh.userId)).toBe(written ? 'hash-probe' : null);
}
