// Recomputes hash chains from stored events, one stream at a time, in bounded memory: it
// keeps only the stream being checked. Adapters feed it events ordered by (streamId,
// streamVersion) with each stream's head (its last version and hash as the store recorded
// them), and report the first failure it returns. The input is the STORED form of each
// event, never a decoded one: the hash covers what was written.
import type { StreamId, StreamVerification } from '../../ports/event-store.port';
import { GENESIS_HASH, hashEvent, type HashedEvent } from './event-hash';

/** An event as stored, with the hash that chains it to the one before. */
export type ChainedEvent = HashedEvent & Readonly<{ hash: string }>;
export type StreamHead = Readonly<{ streamId: StreamId; version: bigint; lastHash: string }>;
export type VerificationFailure = Extract<StreamVerification, { ok: false }>;

type OpenStream = {
  streamId: StreamId;
  head: StreamHead | undefined;
  version: bigint; // of the last event accepted
  hash: string; // of the last event accepted
};

export class ChainVerifier {
  private open: OpenStream | null = null;
  private streamCount = 0;
  private eventCount = 0;

  /** Streams fully checked so far. */
  get streams(): number {
    return this.streamCount;
  }

  /** Checks the next event; `head` is the store's record of the event's stream. */
  accept(event: ChainedEvent, head: StreamHead | undefined): VerificationFailure | null {
    if (this.open?.streamId !== event.streamId) {
      const failure = this.closeStream();
      if (failure) return failure;
      this.open = { streamId: event.streamId, head, version: 0n, hash: GENESIS_HASH };
    }
    const open = this.open;
    const expectedVersion = open.version + 1n;
    if (event.streamVersion !== expectedVersion) {
      const problem = `version ${expectedVersion} is missing (found ${event.streamVersion})`;
      return failure(open.streamId, expectedVersion, problem);
    }
    if (hashEvent(open.hash, event) !== event.hash) {
      const problem = 'hash does not match the event and the hash before it';
      return failure(open.streamId, event.streamVersion, problem);
    }
    open.version = event.streamVersion;
    open.hash = event.hash;
    this.eventCount += 1;
    return null;
  }

  /** Closes the last stream and gives the verdict. */
  finish(): StreamVerification {
    const failure = this.closeStream();
    if (failure) return failure;
    return { ok: true, streams: this.streamCount, events: this.eventCount };
  }

  // A stream's head must name its last event: a stale head would let the next append
  // chain onto (and number after) the wrong event.
  private closeStream(): VerificationFailure | null {
    const open = this.open;
    if (!open) return null;
    this.open = null;
    if (!open.head) return failure(open.streamId, open.version, 'the stream has no head record');
    if (open.head.version !== open.version) {
      const recorded = open.head.version;
      const problem = `the head records version ${recorded}, the last event is ${open.version}`;
      return failure(open.streamId, open.version, problem);
    }
    if (open.head.lastHash !== open.hash) {
      return failure(open.streamId, open.version, 'the head records another last hash');
    }
    this.streamCount += 1;
    return null;
  }
}

/** A head that claims events but has none (checked apart: no event reaches accept). */
export function headWithoutEvents(head: StreamHead): VerificationFailure | null {
  if (head.version === 0n && head.lastHash === GENESIS_HASH) return null;
  return failure(head.streamId, 1n, `the head records version ${head.version} but no event exists`);
}

const failure = (
  streamId: StreamId,
  streamVersion: bigint,
  problem: string,
): VerificationFailure => ({ ok: false, streamId, streamVersion, problem });
