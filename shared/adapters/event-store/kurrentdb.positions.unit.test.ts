// Goal: positions over $all give every event of one append one transaction id (where the
// append ends), keep $all's order, and resume a read right after an event.
import { START } from '@kurrent/kurrentdb-client';
import { START_POSITION, comparePositions } from '../../ports/event-store.port';
import {
  appendClosedAfter, readFrom, transactionIds, type LoggedRecord,
} from './kurrentdb.positions';

const log: LoggedRecord[] = [
  { logPosition: 100n, appendId: 'a' }, // an append that began before the page
  { logPosition: 200n, appendId: 'b' }, { logPosition: 250n, appendId: 'b' },
  { logPosition: 300n, appendId: 'b' },
  { logPosition: 400n, appendId: 'c' },
];

describe('positions over $all', () => {
  test("each record's transaction is the last record of its append", () => {
    expect(transactionIds(log)).toEqual([100n, 300n, 300n, 300n, 400n]);
    expect(transactionIds([])).toEqual([]);
  });

  test('ordered by (transaction, own position), records keep the order of $all', () => {
    const ids = transactionIds(log);
    const positions = log.map((record, index) =>
      ({ transactionId: ids[index]!, globalPosition: record.logPosition }));
    positions.slice(1).forEach((position, index) =>
      expect(comparePositions(positions[index]!, position)).toBeLessThan(0));
  });

  test('an append counts as read whole only once a later one follows it', () => {
    expect(appendClosedAfter(log, 1)).toBe(true);
    expect(appendClosedAfter(log, 3)).toBe(true);
    expect(appendClosedAfter(log.slice(0, 4), 2)).toBe(false);
    expect(appendClosedAfter(log, 4)).toBe(false);
  });

  test('reading after a position starts at its event; after the start, at the start', () => {
    expect(readFrom(START_POSITION)).toBe(START);
    expect(readFrom({ transactionId: 300n, globalPosition: 250n }))
      .toEqual({ commit: 250n, prepare: 250n });
  });
});
