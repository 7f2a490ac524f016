// Goal: the expiry saga watches a top-up from its request until Stripe (or the timeout)
// settles it, folding a batch to its net effect.
import type { RecordedEvent } from '../../../shared/ports/event-store.port';
import { foldOpenTopUps } from './open-top-ups';

const AT = new Date('2026-12-03T10:00:00Z');
let position = 0n;
const recorded = (type: string, topUpId: string): RecordedEvent => {
  position += 1n;
  return {
    eventId: `e${position}`, type, schemaVersion: 1, data: { topUpId }, metadata: { occurredAt: AT.toISOString() },
    streamId: `topup-${topUpId}`, streamVersion: 1n, position: { transactionId: 1n, globalPosition: position },
    recordedAt: AT, hash: '',
  };
};

test('requested starts, settled ends, both in one batch leave nothing to insert', () => {
  expect(foldOpenTopUps([
    recorded('TopUpRequested', 'a'),
    recorded('TopUpRequested', 'b'),
    recorded('TopUpSucceeded', 'b'),
    recorded('TopUpExpired', 'c'),
    recorded('TopUpFailed', 'd'),
  ])).toEqual({ started: [{ topUpId: 'a', requestedAt: AT }], ended: ['b', 'c', 'd'] });
});
