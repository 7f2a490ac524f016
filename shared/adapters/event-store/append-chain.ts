// Chained appends (EventStore.append's `after`) for a store that writes one append at a time:
// wait until every predecessor has its outcome; if one failed, this append fails without
// writing (predecessorFailed). The Postgres store's group commit does better for its own
// appends (group-commit.ts): a chain shares a batch instead of waiting for each commit.
import {
  predecessorFailed, type AppendRequest, type AppendResult,
} from '../../ports/event-store.port';

export async function awaitPredecessors(
  request: AppendRequest,
  after: readonly Promise<AppendResult>[] | undefined,
): Promise<void> {
  if (!after || after.length === 0) return;
  const outcomes = await Promise.allSettled(after);
  if (outcomes.some((outcome) => outcome.status === 'rejected')) {
    throw predecessorFailed(request);
  }
}
