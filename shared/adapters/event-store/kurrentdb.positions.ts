// Our positions over KurrentDB's $all (docs/architecture.md, "KurrentDB"). Pure.
//
// KurrentDB gives every record of $all a log position (commit = prepare for the records an
// append writes). The port orders events by (transactionId, globalPosition) and wants the
// events of one append to share a transactionId. So:
// - globalPosition is the event's own log position;
// - transactionId is the log position of the LAST record of its append. An append's
//   records lie together in $all (one atomic write by the server's single writer), so
//   ordering by (transactionId, globalPosition) is $all's order, and a reader resumes after
//   an event by reading $all after its globalPosition.
// Gap-free: the leader's single writer gives positions in commit order and a read of $all
// sees only what is committed, so nothing can later appear behind a reader's position.
import { START, type ReadPosition } from '@kurrent/kurrentdb-client';
import { START_POSITION, comparePositions, type Position } from '../../ports/event-store.port';

/** A record of one of our appends as $all holds it. */
export type LoggedRecord = Readonly<{ logPosition: bigint; appendId: string }>;

/**
 * The transaction id of each record: the position of the last record of its append within
 * `records` (in log order). The caller reads far enough that the last append it returns
 * events of is complete: up to a record of a later append, or to the end of $all.
 */
export function transactionIds(records: readonly LoggedRecord[]): bigint[] {
  const ids: bigint[] = new Array<bigint>(records.length);
  let end: LoggedRecord | null = null;
  for (let index = records.length - 1; index >= 0; index -= 1) {
    const record = records[index]!;
    if (end === null || end.appendId !== record.appendId) end = record;
    ids[index] = end.logPosition;
  }
  return ids;
}

/** True once `records` holds a record of another append after the one at `index`. */
export function appendClosedAfter(records: readonly LoggedRecord[], index: number): boolean {
  const appendId = records[index]?.appendId;
  return records.slice(index + 1).some((record) => record.appendId !== appendId);
}

/** Where a forward read of $all starts to find what lies after `after` (inclusive: the
 * reader drops records at or before it). */
export function readFrom(after: Position): ReadPosition {
  if (comparePositions(after, START_POSITION) === 0) return START;
  return { commit: after.globalPosition, prepare: after.globalPosition };
}
