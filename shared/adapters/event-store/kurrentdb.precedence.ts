// The port's order of precedence (EventStore.append) over what the KurrentDB store read
// after an append was refused, or before one whose head it read disagreed. KurrentDB only
// says "a stream was not where it was expected"; which of the port's outcomes that is comes
// from reading the side streams and heads, then deciding here in the port's order. Pure.
import {
  DuplicateEvent, IdempotencyKeyTaken, UniqueClaimTaken, VersionConflict,
  type AppendRequest, type StreamId,
} from '../../ports/event-store.port';
import { requestEventIds, versionMatches } from './append-request';

/** What the store found, each part read at one moment (not one snapshot: see the docs). */
export type ObservedState = Readonly<{
  keyTaken: boolean;
  storedEventIds: ReadonlySet<string>;
  versions: ReadonlyMap<StreamId, bigint>;
  /** Owner of each of the request's claims that has one, by `claimKey`. */
  claimOwners: ReadonlyMap<string, string>;
}>;

export type AppendVerdict =
  | Readonly<{ kind: 'refused'; error: Error }>
  /** Every event is stored already: a success that writes nothing. */
  | Readonly<{ kind: 'stored' }>
  /** Nothing stands in the way (the state moved since): append again. */
  | Readonly<{ kind: 'write' }>;

export const claimKey = (claim: { scope: string; value: string }): string =>
  JSON.stringify([claim.scope, claim.value]);

export function decideAppend(request: AppendRequest, observed: ObservedState): AppendVerdict {
  const { idempotency } = request;
  if (idempotency && observed.keyTaken) {
    return refused(new IdempotencyKeyTaken(idempotency.scope, idempotency.key));
  }
  const eventIds = requestEventIds(request);
  if (eventIds.length > 0 && eventIds.every((id) => observed.storedEventIds.has(id))) {
    return { kind: 'stored' };
  }
  // In code-unit order of stream ids, as the port names the first stale stream.
  const sorted = [...request.streams].sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
  for (const { streamId, expectedVersion } of sorted) {
    const actual = observed.versions.get(streamId) ?? 0n;
    if (!versionMatches(expectedVersion, actual)) {
      return refused(new VersionConflict(streamId, expectedVersion, actual));
    }
  }
  const duplicate = eventIds.find((id) => observed.storedEventIds.has(id));
  if (duplicate !== undefined) return refused(new DuplicateEvent(duplicate));
  for (const claim of request.uniqueClaims ?? []) {
    const owner = observed.claimOwners.get(claimKey(claim));
    if (owner !== undefined && owner !== claim.ownerId) {
      return refused(new UniqueClaimTaken(claim.scope, claim.value));
    }
  }
  return { kind: 'write' };
}

const refused = (error: Error): AppendVerdict => ({ kind: 'refused', error });
