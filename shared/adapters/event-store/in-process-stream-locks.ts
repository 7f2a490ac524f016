// EventStore.withStreamLocks for a store whose stream locks live in this process (the
// in-memory store; KurrentDB, which has no locks of its own): decide holding the streams'
// keys, then write the decision's append, if any, before letting them go. The append may only
// touch streams it holds (assertAppendUnderLocks).
import type { KeyedMutex } from '../../concurrency/keyed-mutex';
import type {
  AppendRequest, AppendResult, LockedDecision, LockedOutcome, StreamId,
} from '../../ports/event-store.port';
import { assertAppendUnderLocks, assertValidAppend, assertValidLocks } from './append-request';

export function decideUnderInProcessLocks<T>(
  locks: KeyedMutex,
  streamIds: readonly StreamId[],
  decide: () => Promise<LockedDecision<T>>,
  store: Readonly<{
    assertOpen: () => void;
    appendNow: (request: AppendRequest) => AppendResult | Promise<AppendResult>;
  }>,
): Promise<LockedOutcome<T>> {
  store.assertOpen();
  assertValidLocks(streamIds);
  return locks.withKeys(streamIds, async () => {
    const { value, append } = await decide();
    if (!append) return { value, result: null };
    store.assertOpen();
    assertValidAppend(append);
    assertAppendUnderLocks(append, new Set(streamIds));
    return { value, result: await store.appendNow(append) };
  });
}
