// Goal: a batch is laid out exactly as tng_append_batch reads it: per-request counts that
// cover the flat arrays, each stream of the batch once (later requests point at the same
// slot), a request's streams in code-unit order while its events keep the request's order,
// events pointing at their stream's entry, and nulls where a request has no idempotency.
import type { AppendRequest } from '../../ports/event-store.port';
import { anEvent } from '../../testing/event-builders';
import { canonicalJson } from '../../ports/canonical-json';
import { layOutBatch, prepareAppend } from './postgres.append-batch.params';
import { APPEND_BATCH_PARAMETER_TYPES } from './postgres.append-batch.sql';

describe('layOutBatch', () => {
  const debit = anEvent({ type: 'WalletDebited' });
  const credit = anEvent({ type: 'WalletCredited' });
  const transfer: AppendRequest = {
    streams: [
      { streamId: 'wallet-b', expectedVersion: 3n, events: [debit] },
      { streamId: 'wallet-a', expectedVersion: 'any', events: [credit] },
    ],
    idempotency: {
      scope: 'user-1', key: 'k-1', requestHash: 'h', responseStatus: 201, responseBody: '{}',
    },
  };
  const opening: AppendRequest = {
    streams: [{ streamId: 'wallet-a', expectedVersion: 'no-stream', events: [] }],
    uniqueClaims: [{ scope: 'user-email', value: 'a@example.com', ownerId: 'u-1' }],
  };

  test('lays requests out as parallel arrays, one per parameter', () => {
    const values = layOutBatch([prepareAppend(transfer), prepareAppend(opening)], true);
    expect(values).toHaveLength(APPEND_BATCH_PARAMETER_TYPES.length);
    const [
      streamCounts, eventCounts, claimCounts, scopes, keys, , statuses, ,
      slots, expected, batchStreams, eventStreams, eventIds, types, , heads, tails,
      claimScopes, , claimOwners, notify,
    ] = values;
    expect(streamCounts).toEqual([2, 1]);
    expect(eventCounts).toEqual([2, 0]);
    expect(claimCounts).toEqual([0, 1]);
    expect(scopes).toEqual(['user-1', null]);
    expect(keys).toEqual(['k-1', null]);
    expect(statuses).toEqual([201, null]);
    // Streams sorted within the request: a (any), b (3); then the second request's a again.
    expect(batchStreams).toEqual(['wallet-a', 'wallet-b']);
    expect(slots).toEqual([1, 2, 1]);
    expect(expected).toEqual(['-1', '3', '0']);
    // Events in request order (debit on b, then credit on a), each naming its entry.
    expect(eventIds).toEqual([debit.eventId, credit.eventId]);
    expect(types).toEqual(['WalletDebited', 'WalletCredited']);
    expect(eventStreams).toEqual([2, 1]);
    const canonical = `${(heads as string[])[0]}7${(tails as string[])[0]}`;
    expect(canonical).toBe(canonicalJson({ ...debit, streamId: 'wallet-b', streamVersion: '7' }));
    expect(claimScopes).toEqual(['user-email']);
    expect(claimOwners).toEqual(['u-1']);
    expect(notify).toBe(true);
  });

  test('keeps the order sent, which a conflict or a row is read against', () => {
    const prepared = prepareAppend(transfer);
    expect(prepared.sent.map((stream) => stream.streamId)).toEqual(['wallet-a', 'wallet-b']);
    expect(prepared.eventCount).toBe(2);
  });

  test('an empty batch lays out empty arrays', () => {
    const values = layOutBatch([], false);
    expect(values.slice(0, -1).every((column) => Array.isArray(column) && column.length === 0))
      .toBe(true);
  });
});
