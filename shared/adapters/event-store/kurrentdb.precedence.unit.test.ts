// Goal: what a refused KurrentDB append met is answered in the port's order (EventStore.append):
// a taken key, every event stored (a success), a stale version (first stream in code-unit
// order), some events stored, a claim owned by another; and nothing at all means "append
// again". KurrentDB's WrongExpectedVersion maps to our VersionConflict in versions, not
// revisions, and unreachable servers to DependencyUnavailable.
import {
  UnavailableError, UnsupportedError, WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { InfraError } from '../../errors/domain-error';
import { DependencyUnavailable } from '../../errors/unavailable';
import {
  DuplicateEvent, IdempotencyKeyTaken, UniqueClaimTaken, VersionConflict, type AppendRequest,
} from '../../ports/event-store.port';
import { anEvent } from '../../testing/event-builders';
import { asStoreError, versionConflictOf, versionOfState } from './kurrentdb.errors';
import { kurrentNames } from './kurrentdb.names';
import { claimKey, decideAppend, type ObservedState } from './kurrentdb.precedence';

const [stored, fresh] = [anEvent(), anEvent()];
const claim = { scope: 'user-email', value: 'a@example.com', ownerId: 'user-new' };
const request: AppendRequest = {
  streams: [
    { streamId: 'wallet-z', expectedVersion: 1n, events: [fresh] },
    { streamId: 'wallet-a', expectedVersion: 'no-stream', events: [stored] },
  ],
  idempotency: { scope: 'u', key: 'k', requestHash: 'h', responseStatus: 201, responseBody: '{}' },
  uniqueClaims: [claim],
};
const calm: ObservedState = {
  keyTaken: false, storedEventIds: new Set(),
  versions: new Map([['wallet-z', 1n], ['wallet-a', 0n]]), claimOwners: new Map(),
};
const everything: ObservedState = {
  keyTaken: true, storedEventIds: new Set([stored.eventId]),
  versions: new Map([['wallet-z', 2n], ['wallet-a', 3n]]),
  claimOwners: new Map([[claimKey(claim), 'user-old']]),
};

describe("the port's precedence over what a refused append met", () => {
  test('each condition decides once every condition before it is lifted', () => {
    let observed: ObservedState = everything;
    const errorOf = () => {
      const verdict = decideAppend(request, observed);
      return verdict.kind === 'refused' ? verdict.error : verdict.kind;
    };
    expect(errorOf()).toBeInstanceOf(IdempotencyKeyTaken);
    observed = { ...observed, keyTaken: false };
    const stale = errorOf();
    expect(stale).toBeInstanceOf(VersionConflict);
    // The first stale stream in code-unit order, actual in versions.
    expect(stale).toMatchObject({ streamId: 'wallet-a', expected: 'no-stream', actual: 3n });
    observed = { ...observed, versions: calm.versions };
    expect(errorOf()).toMatchObject({ name: 'DuplicateEvent', eventId: stored.eventId });
    expect(errorOf()).toBeInstanceOf(DuplicateEvent);
    observed = { ...observed, storedEventIds: new Set() };
    expect(errorOf()).toBeInstanceOf(UniqueClaimTaken);
    observed = { ...observed, claimOwners: new Map([[claimKey(claim), claim.ownerId]]) };
    expect(errorOf()).toBe('write');
  });

  test('every event stored wins over a stale version and a taken claim, not a taken key', () => {
    const allStored = new Set([stored.eventId, fresh.eventId]);
    expect(decideAppend(request, { ...everything, keyTaken: false, storedEventIds: allStored }))
      .toEqual({ kind: 'stored' });
    expect(decideAppend(request, { ...everything, storedEventIds: allStored }))
      .toMatchObject({ kind: 'refused', error: { name: 'IdempotencyKeyTaken' } });
  });

  test('nothing in the way: append again', () => {
    expect(decideAppend(request, calm)).toEqual({ kind: 'write' });
  });
});

describe('KurrentDB errors in the port\'s terms', () => {
  const names = kurrentNames('tng');

  test('WrongExpectedVersion on one of our streams: VersionConflict counted in versions', () => {
    const refused = new WrongExpectedVersionError(undefined,
      { streamName: 'tng:wallet-z', expected: 0n, current: 4n });
    expect(versionConflictOf(refused, request, names)).toMatchObject(
      { name: 'VersionConflict', streamId: 'wallet-z', expected: 1n, actual: 5n });
    const none = new WrongExpectedVersionError(undefined,
      { streamName: 'tng:wallet-z', expected: 0n, current: 'no_stream' });
    expect(versionConflictOf(none, request, names)).toMatchObject({ actual: 0n });
  });

  test('WrongExpectedVersion on a side stream names the first stream, actual unknown', () => {
    const refused = new WrongExpectedVersionError(undefined,
      { streamName: names.eventMarker(fresh.eventId), expected: 'no_stream', current: 0n });
    expect(versionConflictOf(refused, request, names))
      .toMatchObject({ streamId: 'wallet-z', expected: 1n, actual: null });
  });

  test('revisions count from 0, versions from 1; no stream is version 0', () => {
    expect(versionOfState('no_stream')).toBe(0n);
    expect(versionOfState(0n)).toBe(1n);
  });

  test('an unreachable server is DependencyUnavailable; an old one says what it needs', () => {
    expect(asStoreError(new UnavailableError(undefined, 'down'))).toBeInstanceOf(DependencyUnavailable);
    const old = asStoreError(new UnsupportedError('multiStreamAppend', '25.1'));
    expect(old).toBeInstanceOf(InfraError);
    expect((old as Error).message).toMatch(/25\.1 or later/);
    const bug = new TypeError('a bug');
    expect(asStoreError(bug)).toBe(bug);
  });
});
