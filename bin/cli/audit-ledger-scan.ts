// Streams the event log through the LedgerAuditor in batches of AUDIT_BATCH_SIZE_MAX, up to
// the head as it was when the scan began (so a busy ledger cannot keep the scan going), and
// compares with the wallets read model read beforehand in one snapshot. It reads the STORED
// payloads (a store without a codec over the same pool) and lets the auditor decode each
// wallet event itself, so an undecodable event is named by stream and version and the scan
// goes on, where a decoding store would fail the whole batch.
import { PostgresEventStore } from '../../shared/adapters/event-store/postgres.event-store';
import type { CheckResult } from '../../shared/audit/audit-check';
import { LedgerAuditor } from '../../shared/audit/ledger-auditor';
import { readWalletsReadModel } from '../../shared/audit/wallet-read-model.reader';
import { createProgress } from '../../shared/cli/progress';
import {
  comparePositions, START_POSITION, type EventStore, type Position,
} from '../../shared/ports/event-store.port';
import type { Runtime } from '../runtime/runtime';

export const AUDIT_BATCH_SIZE_MAX = 5_000;

export type LedgerScan = Readonly<{ checks: CheckResult[]; eventsRead: number; head: Position }>;

export async function scanLedger(runtime: Runtime): Promise<LedgerScan> {
  // Read model first: its checkpoint is then at or below the head taken next.
  const readModel = await readWalletsReadModel(runtime.pool);
  const auditor = new LedgerAuditor({ driftCheckpoint: readModel.checkpoint });
  const rawStore = new PostgresEventStore({ connection: { pool: runtime.pool } });
  try {
    const head = await rawStore.headPosition();
    await feed(rawStore, auditor, head);
    return { checks: auditor.finish(readModel.wallets), eventsRead: auditor.eventsSeen, head };
  } finally {
    await rawStore.close(); // Leaves the pool, which the runtime owns, open.
  }
}

async function feed(store: EventStore, auditor: LedgerAuditor, head: Position): Promise<void> {
  const progress = createProgress('audit: ledger', 'events');
  // The head's global position bounds the number of events, close enough for a progress bar.
  const total = Number(head.globalPosition);
  try {
    // Terminates: each batch starts after the last, and nothing past `head` is taken.
    for (let after = START_POSITION; ;) {
      const batch = await store.readAll({ after, limit: AUDIT_BATCH_SIZE_MAX });
      const upToHead = batch.filter((event) => comparePositions(event.position, head) <= 0);
      auditor.accept(upToHead);
      progress.update(auditor.eventsSeen, Math.max(total, auditor.eventsSeen));
      const last = upToHead.at(-1);
      if (!last || upToHead.length < batch.length || batch.length < AUDIT_BATCH_SIZE_MAX) return;
      after = last.position;
    }
  } finally {
    progress.stop();
  }
}
