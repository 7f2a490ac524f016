// Runs one subscriber until stopped: step (subscription-step.ts) while there is something to
// read; when caught up, wait for an append notification (append-broadcast.ts) or the poll
// interval; after a failed step, back off (doubling, bounded) and try the same batch again.
// A notification comes at commit, but readAll sees a commit only once every older
// transaction in the cluster has ended (a projector batch, say), which sends none: so a
// wake-up that finds nothing is followed by a few quick re-reads (SETTLE_WAITS_MS) before
// the next long wait. After each step it reports the subscriber's progress (position, lag,
// batch size and duration) to `onProgress`, which the caller maps to its metrics. `stop()`
// lets the batch in flight finish and commit, then resolves: the pool can close right after.
import { setTimeout as delay } from 'node:timers/promises';
import type { Pool } from 'pg';
import { assert } from '../errors/assert';
import type { EventStore, Position } from '../ports/event-store.port';
import type { Logger } from '../telemetry/logger';
import type { InTransactionSubscriber, Subscriber } from './subscriber';
import { stepSubscriptionGroup } from './subscription-group-step';
import { stepSubscription, type StepResult } from './subscription-step';
import { appendBroadcastOf, type AppendBroadcast } from './append-broadcast';

/** The longest a caught-up subscription waits without a notification before reading again. */
export const SUBSCRIPTION_POLL_MS = 1_000;
/** Re-reads after a wake-up that found nothing yet: short, then longer, ~0.6 s in all. */
export const SETTLE_WAITS_MS = [10, 20, 40, 80, 160, 320] as const;
export const ERROR_BACKOFF_MS_MIN = 100;
export const ERROR_BACKOFF_MS_MAX = 5_000;
/** The store's read limit: a batch is one readAll. */
export const SUBSCRIPTION_BATCH_SIZE_MAX = 10_000;

export type SubscriptionProgress = Readonly<{
  name: string;
  /** Events read in this step (0 when idle) and handed to the subscriber. */
  read: number;
  handled: number;
  /** The step's duration, transaction included. */
  seconds: number;
  position: Position;
  /**
   * Global positions between the checkpoint and the readable head: 0 after a step that read
   * less than a full batch (nothing more was readable then). Approximate, as positions are
   * taken at insert and read in (transaction, position) order; never below 0.
   */
  lagEvents: bigint;
}>;

export type SubscriptionDeps = Readonly<{
  pool: Pool;
  store: EventStore;
  logger: Pick<Logger, 'error' | 'warn'>;
  batchSizeMax: number;
  pollMs?: number;
  onProgress?: (progress: SubscriptionProgress) => void;
}>;

export type Subscription = Readonly<{ name: string; stop(): Promise<void> }>;

export function startSubscription(deps: SubscriptionDeps, subscriber: Subscriber): Subscription {
  return startSteps(deps, subscriber.name, [subscriber], async () =>
    [await stepSubscription(deps, subscriber)]);
}

/**
 * In-transaction subscribers stepped together, one transaction per step
 * (subscription-group-step.ts). If a group step fails, each is stepped alone before the next
 * try, so one subscriber that keeps failing (a bug, a poison event) holds back only itself.
 */
export function startSubscriptionGroup(
  deps: SubscriptionDeps,
  name: string,
  subscribers: readonly InTransactionSubscriber[],
): Subscription {
  return startSteps(deps, name, subscribers, async () => {
    try {
      return await stepSubscriptionGroup(deps, subscribers);
    } catch (error) {
      deps.logger.warn({ err: error, subscriber: name }, 'group step failed; stepping each alone');
      return Promise.all(subscribers.map((subscriber) =>
        stepSubscription(deps, subscriber).catch((alone: unknown) => {
          deps.logger.error({ err: alone, subscriber: subscriber.name }, 'subscription step failed');
          return null;
        })));
    }
  });
}

function assertBatchSize(deps: SubscriptionDeps): void {
  assert(
    Number.isSafeInteger(deps.batchSizeMax) && deps.batchSizeMax >= 1
      && deps.batchSizeMax <= SUBSCRIPTION_BATCH_SIZE_MAX,
    'a subscription batch is bounded by the store read limit',
  );
}

/** One step's result per subscriber, in order; null for one whose step failed. */
type Steps = () => Promise<ReadonlyArray<StepResult | null>>;

function startSteps(
  deps: SubscriptionDeps,
  name: string,
  subscribers: readonly Subscriber[],
  step: Steps,
): Subscription {
  assertBatchSize(deps);
  const controller = new AbortController();
  const broadcast = appendBroadcastOf(deps.store);
  const leave = broadcast.join();
  const loop = runUntilStopped({ ...deps, broadcast }, name, subscribers, step, controller.signal);
  return {
    name,
    stop: async () => {
      controller.abort();
      await loop;
      leave();
    },
  };
}

type RunDeps = SubscriptionDeps & Readonly<{ broadcast: AppendBroadcast }>;

async function runUntilStopped(
  deps: RunDeps,
  name: string,
  subscribers: readonly Subscriber[],
  step: Steps,
  signal: AbortSignal,
): Promise<void> {
  let backoffMs = ERROR_BACKOFF_MS_MIN;
  let settle: readonly number[] = [];
  // Unbounded on purpose: a subscription lives as long as its process; `signal` ends it.
  while (!signal.aborted) {
    try {
      const started = performance.now();
      // Noted before reading: a wake-up that comes during the read is not missed after it.
      const seen = deps.broadcast.generation;
      const results = await step();
      const failed = results.some((result) => result === null);
      if (!failed) backoffMs = ERROR_BACKOFF_MS_MIN;
      let read = 0;
      let head: Promise<Position> | undefined; // Read at most once per step, for every lag.
      const headOnce = () => (head ??= deps.store.headPosition());
      for (const [index, result] of results.entries()) {
        if (!result) continue;
        const subscriber = subscribers[index]!;
        await runAfterCommit(deps, subscriber, result);
        const seconds = (performance.now() - started) / 1_000;
        deps.onProgress?.({
          name: subscriber.name, read: result.read, handled: result.handled, seconds,
          position: result.position, lagEvents: await lagAfter(deps, result, headOnce),
        });
        read += result.read;
      }
      if (failed) throw new Error('a subscriber of the group failed its step (logged above)');
      settle = read > 0 ? [] : await waitWhenCaughtUp(deps, seen, settle, signal);
    } catch (error) {
      if (signal.aborted) break;
      deps.logger.error({ err: error, subscriber: name }, 'subscription step failed');
      await delay(backoffMs, undefined, { signal }).catch(() => undefined);
      backoffMs = Math.min(backoffMs * 2, ERROR_BACKOFF_MS_MAX);
    }
  }
}

/**
 * Waits the first of `settle` if any is left (returning the rest), else for an append since
 * `seen` or the poll interval (returning SETTLE_WAITS_MS if woken: events may not be
 * readable yet).
 */
async function waitWhenCaughtUp(
  deps: RunDeps,
  seen: number,
  settle: readonly number[],
  signal: AbortSignal,
): Promise<readonly number[]> {
  const [settleMs, ...later] = settle;
  if (settleMs !== undefined) {
    await delay(settleMs, undefined, { signal }).catch(() => undefined);
    return later;
  }
  const woken = await deps.broadcast.waitAfter(seen, deps.pollMs ?? SUBSCRIPTION_POLL_MS, signal);
  return woken ? SETTLE_WAITS_MS : [];
}

/** After-commit work serves speed (caches), never correctness: a failure is only logged. */
async function runAfterCommit(
  deps: SubscriptionDeps,
  subscriber: Subscriber,
  step: StepResult,
): Promise<void> {
  await step.afterCommit?.().catch((error: unknown) =>
    deps.logger.warn({ err: error, subscriber: subscriber.name }, 'after-commit work failed'));
}

/** A short batch read all there was: only after a full one is the head worth a query. */
async function lagAfter(
  deps: SubscriptionDeps,
  step: StepResult,
  headPosition: () => Promise<Position>,
): Promise<bigint> {
  if (step.read < deps.batchSizeMax) return 0n;
  const head = await headPosition();
  const behind = head.globalPosition - step.position.globalPosition;
  return behind > 0n ? behind : 0n;
}
