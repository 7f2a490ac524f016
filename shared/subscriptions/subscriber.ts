// What a subscriber is: a name (its checkpoint), the event types it wants, and a handler for a
// batch of recorded events, in log order. The runner (subscription-runner.ts) hands it every
// event after its checkpoint, never skipping one, and moves the checkpoint after the handler
// resolves. Two deliveries, chosen by what the handler does:
// - 'with-checkpoint': the handler writes its effects with the given client, in the
//   transaction that moves the checkpoint, so each event takes effect exactly once (read
//   models, a saga's own tables). It may return work to run after commit (cache writes),
//   which may fail without harm.
// - 'before-checkpoint': the handler performs an effect outside the database (a broker's
//   ack, an e-mail), and the checkpoint moves once it resolves. A crash in between repeats
//   the batch: at least once, so receivers dedupe by event id.
// A handler that throws moves nothing: the runner logs, backs off and hands the batch again.
import type { PoolClient } from 'pg';
import type { RecordedEvent } from '../ports/event-store.port';

export type AfterCommit = () => Promise<void>;

type SubscriberBase = Readonly<{
  /** The checkpoint's name: stable, unique among subscribers (a rename starts from zero). */
  name: string;
  /** Only these event types are handed over (all if omitted); the checkpoint passes the rest. */
  eventTypes?: readonly string[];
  /** What it is, for the name of its spans: a projection, or (the default) a saga or relay. */
  role?: 'projection' | 'saga';
}>;

export type InTransactionSubscriber = SubscriberBase &
  Readonly<{
    delivery: 'with-checkpoint';
    handle(events: readonly RecordedEvent[], client: PoolClient): Promise<AfterCommit | void>;
  }>;

export type EffectSubscriber = SubscriberBase &
  Readonly<{
    delivery: 'before-checkpoint';
    handle(events: readonly RecordedEvent[]): Promise<void>;
  }>;

export type Subscriber = InTransactionSubscriber | EffectSubscriber;
