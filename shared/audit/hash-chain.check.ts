// Turns the event store's own verification (every hash chain recomputed, versions contiguous
// from 1, heads matching their last event) into an audit check. The store stops at the
// first broken place, which is the one an auditor needs first.
import type { StreamVerification } from '../ports/event-store.port';
import type { CheckResult } from './audit-check';

export function hashChainCheck(verification: StreamVerification): CheckResult {
  if (verification.ok) {
    return {
      check: 'hash-chains',
      ok: true,
      summary: `${verification.streams} streams, ${verification.events} events: every hash `
        + 'chain intact, versions contiguous from 1',
      findings: [],
      findingsTotal: 0,
      data: { streams: String(verification.streams), events: String(verification.events) },
    };
  }
  const { streamId, streamVersion, problem } = verification;
  const place = `stream ${streamId} version ${streamVersion}`;
  return {
    check: 'hash-chains',
    ok: false,
    summary: `first broken place: ${place}`,
    findings: [`${place}: ${problem}`],
    findingsTotal: 1,
    data: { streamId, streamVersion: streamVersion.toString() },
  };
}
