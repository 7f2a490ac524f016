// Goal: a batch is laid out exactly as tng_append_batch reads it (migrations/
// 0008_append_steps.sql): one jsonb array with an element per request in batch order, the
// field names of its typed records, a request's streams in code-unit order while its events
// keep the request's order and name their stream by its 1-based index among those sent,
// expectations encoded as -1 / 0 / n, and no idempotency field where a request has none.
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
    credentials: [{ userId: 'u-1', passwordHash: 'scrypt$x' }],
  };

  test('lays requests out as one JSON array, an element per request', () => {
    const values = layOutBatch([prepareAppend(transfer), prepareAppend(opening)], true);
    expect(values).toHaveLength(APPEND_BATCH_PARAMETER_TYPES.length);
    const [json, notify] = values;
    expect(notify).toBe(true);
    const [first, second] = JSON.parse(json as string) as Array<Record<string, unknown>>;
    // Streams sorted within the request: a (any), then b (3).
    expect(first?.streams).toEqual([
      { stream_id: 'wallet-a', expected: '-1' }, { stream_id: 'wallet-b', expected: '3' },
    ]);
    expect(first?.idempotency).toEqual({
      scope: 'user-1', key: 'k-1', request_hash: 'h', response_status: 201, response_body: '{}',
    });
    // Events in request order (debit on b, then credit on a), each naming its stream.
    const events = first?.events as Array<Record<string, unknown>>;
    expect(events.map((event) => [event.stream, event.event_id, event.type]))
      .toEqual([[2, debit.eventId, 'WalletDebited'], [1, credit.eventId, 'WalletCredited']]);
    expect(events[0]).toMatchObject({ schema_version: 1 });
    const canonical = `${String(events[0]?.head)}7${String(events[0]?.tail)}`;
    expect(canonical).toBe(canonicalJson({ ...debit, streamId: 'wallet-b', streamVersion: '7' }));
    expect(first).toMatchObject({ claims: [], credentials: [] });
    expect(second).toEqual({
      streams: [{ stream_id: 'wallet-a', expected: '0' }],
      events: [],
      claims: [{ scope: 'user-email', value: 'a@example.com', owner_id: 'u-1' }],
      credentials: [{ user_id: 'u-1', password_hash: 'scrypt$x' }],
    });
  });

  test('keeps the order sent, which a conflict or a row is read against', () => {
    const prepared = prepareAppend(transfer);
    expect(prepared.sent.map((stream) => stream.streamId)).toEqual(['wallet-a', 'wallet-b']);
    expect(prepared.eventCount).toBe(2);
  });

  test('an empty batch is an empty array', () => {
    expect(layOutBatch([], false)).toEqual(['[]', false]);
  });
});
