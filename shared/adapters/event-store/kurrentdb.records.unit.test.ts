// Goal: the KurrentDB store's mapping of an append to KurrentDB events keeps the port's
// promises before any server sees it: side records (event-id markers, the key, free claims,
// credentials) come first and are expected new, our streams last in request order with the
// head's revision expected; every property is a string (multiStreamAppend refuses anything
// else); hashes chain exactly as every adapter's do; and what is read back parses to the
// port's events.
import { randomUUID } from 'node:crypto';
import { NO_STREAM, type AppendStreamRequest } from '@kurrent/kurrentdb-client';
import type { AppendRequest } from '../../ports/event-store.port';
import { anEvent } from '../../testing/event-builders';
import { ChainVerifier } from './chain-verifier';
import { GENESIS_HASH, hashEvent } from './event-hash';
import { kurrentNames } from './kurrentdb.names';
import {
  EMPTY_HEAD, PROPERTY, expectedStateOf, headOf, parseStoredEvent, planAppend, toRecordedEvent,
  type KurrentRecord, type StreamHead,
} from './kurrentdb.records';

const names = kurrentNames('tng');
const at = new Date('2025-01-01T00:00:00.000Z');

function plan(request: AppendRequest, heads = new Map<string, StreamHead>(), owned = false) {
  return planAppend({
    request, heads, names, appendId: 'append-1', newId: randomUUID,
    claimsToWrite: owned ? [] : request.uniqueClaims ?? [],
  });
}

// What the server would hand back for a planned event, at a log position.
function recordOf(request: AppendStreamRequest, index: number, revision: bigint): KurrentRecord {
  const event = request.events[index]!;
  return {
    streamId: request.streamName, id: event.id, type: event.type, revision,
    data: JSON.parse(JSON.stringify(event.data)), metadata: event.metadata, created: at,
    position: { commit: 1_000n + revision, prepare: 1_000n + revision },
  };
}

describe('planning an append for multiStreamAppend', () => {
  const transfer: AppendRequest = {
    streams: [
      { streamId: 'wallet-b', expectedVersion: 2n, events: [anEvent({ type: 'WalletDebited' })] },
      { streamId: 'wallet-a', expectedVersion: 'any', events: [anEvent(), anEvent()] },
    ],
    idempotency: { scope: 'user-1', key: 'k-1', requestHash: 'h', responseStatus: 201,
      responseBody: '{"ok":true}' },
    uniqueClaims: [{ scope: 'user-email', value: 'a@example.com', ownerId: 'user-1' }],
    credentials: [{ userId: 'user-1', passwordHash: 'secret-hash' }],
  };
  const heads = new Map<string, StreamHead>([
    ['wallet-b', { revision: 1n, version: 2n, hash: 'b'.repeat(64) }],
    ['wallet-a', EMPTY_HEAD],
  ]);

  test('side records first and expected new, our streams last in request order', () => {
    const { requests, nextVersions, eventCount } = plan(transfer, heads);
    const eventIds = transfer.streams.flatMap((stream) => stream.events.map((e) => e.eventId));
    expect(requests.map((request) => [request.streamName, request.expectedState])).toEqual([
      [names.idempotency('user-1', 'k-1'), NO_STREAM],
      [names.claim('user-email', 'a@example.com'), NO_STREAM],
      [names.credential('user-1'), 'any'],
      ...eventIds.map((id) => [names.eventMarker(id), NO_STREAM]),
      ['tng:wallet-b', 1n],
      ['tng:wallet-a', NO_STREAM],
    ]);
    expect(nextVersions).toEqual(new Map([['wallet-b', 3n], ['wallet-a', 2n]]));
    expect(eventCount).toBe(3);
  });

  test('every record carries the append id, and properties are strings only', () => {
    for (const request of plan(transfer, heads).requests) {
      for (const event of request.events) {
        const metadata = event.metadata as Record<string, unknown>;
        expect(metadata[PROPERTY.append]).toBe('append-1');
        // multiStreamAppend's own rule: a plain object of string values.
        expect(Object.values(metadata).every((value) => typeof value === 'string')).toBe(true);
        expect(Object.keys(metadata).some((key) => key.startsWith('$'))).toBe(false);
      }
    }
  });

  test('our events keep their ids, and their hashes chain on from the head', () => {
    const { requests } = plan(transfer, heads);
    const debit = requests.find((request) => request.streamName === 'tng:wallet-b')!;
    const stored = parseStoredEvent(recordOf(debit, 0, 2n), 'wallet-b');
    expect(stored.ok).toBe(true);
    if (!stored.ok) return;
    const event = transfer.streams[0]!.events[0]!;
    expect(stored.value).toMatchObject({
      eventId: event.eventId, type: 'WalletDebited', streamVersion: 3n, revision: 2n,
      data: event.data, metadata: event.metadata, appendId: 'append-1', logPosition: 1_002n,
    });
    expect(stored.value.hash).toBe(hashEvent('b'.repeat(64), { ...event, streamId: 'wallet-b',
      streamVersion: 3n }));
  });

  test('a new stream chains from the genesis hash and verifies as every adapter does', () => {
    const { requests } = plan(transfer, heads);
    const credit = requests.find((request) => request.streamName === 'tng:wallet-a')!;
    const stored = [0, 1].map((index) => parseStoredEvent(recordOf(credit, index, BigInt(index)),
      'wallet-a'));
    const events = stored.map((one) => (one.ok ? one.value : null));
    expect(events.every(Boolean)).toBe(true);
    const verifier = new ChainVerifier();
    const head = { streamId: 'wallet-a', version: 2n, lastHash: events[1]!.hash };
    expect(hashEvent(GENESIS_HASH, events[0]!)).toBe(events[0]!.hash);
    for (const event of events) expect(verifier.accept(event!, head)).toBeNull();
    expect(verifier.finish()).toEqual({ ok: true, streams: 1, events: 2 });
    expect(headOf(events[1]!)).toEqual({ revision: 1n, version: 2n, hash: events[1]!.hash });
  });

  test('a claim its owner already holds is not written again', () => {
    const { requests } = plan(transfer, heads, true);
    expect(requests.some((request) => request.streamName.includes('#claim:'))).toBe(false);
  });

  test('the password hash goes only to the credential stream, never into our events', () => {
    const { requests } = plan(transfer, heads);
    const ours = requests.filter((request) => request.streamName.startsWith(names.dataPrefix));
    expect(JSON.stringify(ours.map((request) => request.events))).not.toContain('secret-hash');
  });

  test('a stream with nothing to write is left out; an empty append plans nothing', () => {
    const { requests, nextVersions } = plan({
      streams: [{ streamId: 'wallet-c', expectedVersion: 'any', events: [] }],
    });
    expect(requests).toEqual([]);
    expect(nextVersions).toEqual(new Map([['wallet-c', 0n]]));
  });
});

describe('expected revisions and reading back', () => {
  test("a head's revision is what the append expects; no stream expects none", () => {
    expect(expectedStateOf(EMPTY_HEAD)).toBe(NO_STREAM);
    expect(expectedStateOf({ revision: 0n, version: 1n, hash: 'x' })).toBe(0n);
    expect(headOf(null)).toBe(EMPTY_HEAD);
  });

  test('a record without our properties is a problem, not a crash', () => {
    const foreign: KurrentRecord = {
      streamId: 'tng:x', id: randomUUID(), type: 'T', revision: 0n, data: {},
      metadata: { '$schema.name': 'T' }, created: at,
    };
    expect(parseStoredEvent(foreign, 'x')).toMatchObject({ ok: false });
    expect(parseStoredEvent({ ...foreign, metadata: undefined }, 'x')).toMatchObject({ ok: false });
  });

  test('toRecordedEvent upcasts through the codec and places the event in its append', () => {
    const request: AppendRequest = {
      streams: [{ streamId: 's', expectedVersion: 'no-stream', events: [anEvent()] }],
    };
    const [, data] = plan(request).requests;
    const stored = parseStoredEvent(recordOf(data!, 0, 0n), 's');
    if (!stored.ok) throw new Error(stored.problem);
    const codec = { decode: (_type: string, version: number, payload: unknown) =>
      ({ schemaVersion: version + 1, data: { ...(payload as object), upcast: true } }) };
    const recorded = toRecordedEvent(stored.value, 2_000n, codec);
    expect(recorded).toMatchObject({
      streamId: 's', streamVersion: 1n, schemaVersion: 2, data: { upcast: true },
      position: { transactionId: 2_000n, globalPosition: 1_000n }, recordedAt: at,
    });
    expect(stored.value.schemaVersion).toBe(1); // verification keeps the stored form
  });
});
