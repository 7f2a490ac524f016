// The fraud-hints saga's subscription: follows the log's WalletDebited events (shared
// subscription runner, 'before-checkpoint': its effect is an append of its own), reads each
// debited wallet's recent stream, judges the debits with the shared fraud rules
// (fraud-hint.ts) and appends FraudSuspected to the wallet's stream. The append has no
// expected version: the event moves no money and no decider reads it, so it must not make
// a payment retry for it (a transfer that loaded the wallet just before does meet a version
// conflict and decides again, as with any other event). Ids are deterministic, so a batch
// handed again after a crash appends nothing new: at most one hint per wallet, rule and
// window. With FRAUD_AUTO_FREEZE the hint and a WalletFrozen are appended together, at the
// version the freeze was decided on.
import { encodeWalletEvent } from '../../../shared/domain/event-codec';
import { walletEventOf } from '../../../shared/domain/decode-stored-event';
import { FRAUD_HISTORY_MAX } from '../../../shared/domain/insights/fraud-rules';
import type { WalletId } from '../../../shared/domain/ids';
import { walletIdOfStream, walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import { createWalletRepository } from '../../../shared/aggregates/wallet.aggregate';
import { deterministicUuid } from '../../../shared/domain/deterministic-uuid';
import { freezeWallet } from '../../../shared/domain/wallet/wallet-lifecycle.decider';
import type { FraudSuspected, WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import { DomainError, InfraError } from '../../../shared/errors/domain-error';
import {
  VersionConflict, type EventStore, type NewEvent, type RecordedEvent,
} from '../../../shared/ports/event-store.port';
import type { EffectSubscriber } from '../../../shared/subscriptions/subscriber';
import type { SagaSubscriberName } from '../../../shared/subscriptions/subscriber-names';
import type { InsightMetrics } from '../../../shared/telemetry/insight-metrics';
import type { Logger } from '../../../shared/telemetry/logger';
import { fraudHintsToRaise, type FraudHintToRaise, type StreamEntry } from './fraud-hint';

export const FRAUD_HINTS_SUBSCRIBER: SagaSubscriberName = 'fraud-hints';
/** Who FraudSuspected events name as their actor. */
export const FRAUD_HINTS_ACTOR = 'saga:fraud-hints';
/**
 * Events read before a wallet's first judged debit: enough for FRAUD_HISTORY_MAX movements
 * in a stream that also holds holds and other events.
 */
export const FRAUD_STREAM_LOOKBACK_EVENTS = 2 * FRAUD_HISTORY_MAX;
/** Events read after the last judged debit, to find hints already raised for it. */
export const FRAUD_STREAM_LOOKAHEAD_EVENTS = 100;

/** Appends tried when a freeze meets a version conflict. */
export const FREEZE_ATTEMPTS_MAX = 5;

export type FraudHintsDeps = Readonly<{
  store: EventStore;
  /** FRAUD_AUTO_FREEZE: freeze the wallet with its first hint (off by default). */
  autoFreeze: boolean;
  metrics: Pick<InsightMetrics, 'fraudHints'>;
  logger: Pick<Logger, 'warn'>;
}>;

export function fraudHintsSubscriber(deps: FraudHintsDeps): EffectSubscriber {
  return {
    name: FRAUD_HINTS_SUBSCRIBER,
    eventTypes: ['WalletDebited'],
    delivery: 'before-checkpoint',
    handle: async (events) => {
      for (const [walletId, versions] of debitsByWallet(events)) {
        const stream = await recentStream(deps.store, walletId, versions);
        for (const hint of fraudHintsToRaise(walletId, stream, new Set(versions))) {
          await raise(deps, hint);
        }
      }
    },
  };
}

function debitsByWallet(events: readonly RecordedEvent[]): Map<WalletId, bigint[]> {
  const byWallet = new Map<WalletId, bigint[]>();
  for (const event of events) {
    const walletId = walletIdOfStream(event.streamId);
    if (walletId === null || event.type !== 'WalletDebited') continue;
    byWallet.set(walletId, [...(byWallet.get(walletId) ?? []), event.streamVersion]);
  }
  return byWallet;
}

async function recentStream(
  store: EventStore,
  walletId: WalletId,
  versions: readonly bigint[],
): Promise<StreamEntry[]> {
  const first = versions.reduce((a, b) => (a < b ? a : b));
  const last = versions.reduce((a, b) => (a > b ? a : b));
  const fromVersion = first > BigInt(FRAUD_STREAM_LOOKBACK_EVENTS)
    ? first - BigInt(FRAUD_STREAM_LOOKBACK_EVENTS) : 1n;
  const limit = Number(last - fromVersion) + 1 + FRAUD_STREAM_LOOKAHEAD_EVENTS;
  const recorded = await store.readStream(walletStreamId(walletId), { fromVersion, limit });
  return recorded.map((event) => ({
    eventId: event.eventId,
    streamVersion: event.streamVersion,
    recordedAt: event.recordedAt,
    event: walletEventOf(event),
  }));
}

async function raise(deps: FraudHintsDeps, hint: FraudHintToRaise): Promise<void> {
  const { event, causationId } = hint;
  const metadata = { occurredAt: event.data.detectedAt, actorId: FRAUD_HINTS_ACTOR, causationId };
  const hinted: NewEvent = { eventId: event.data.hintId, ...encodeWalletEvent(event), metadata };
  const streamId = walletStreamId(event.data.walletId);
  for (let attempt = 1; attempt <= FREEZE_ATTEMPTS_MAX; attempt += 1) {
    const freeze = deps.autoFreeze ? await freezeOf(deps, event) : null;
    try {
      const result = await deps.store.append({
        streams: [{
          streamId,
          expectedVersion: freeze?.version ?? 'any',
          events: [hinted, ...(freeze?.events ?? [])],
        }],
      });
      if (result.position === null) return; // Raised before (a batch handed again).
      for (const rule of event.data.rules) deps.metrics.fraudHints.inc({ rule });
      deps.logger.warn({ walletId: event.data.walletId, rules: event.data.rules,
        frozen: (freeze?.events.length ?? 0) > 0 }, 'fraud suspected');
      return;
    } catch (error) {
      // Only the freeze checks a version: the wallet moved meanwhile, so decide again.
      if (!(error instanceof VersionConflict)) throw error;
    }
  }
  throw new InfraError(`wallet ${event.data.walletId} kept changing; its hint comes later`);
}

/**
 * FRAUD_AUTO_FREEZE: the WalletFrozen the wallet's decider makes of the hint (none when it is
 * frozen already, closed, or not a customer's wallet), to append in the same transaction as
 * the hint, at the version it was decided on. Its id derives from the hint's, so a re-run
 * writes it once.
 */
async function freezeOf(
  deps: FraudHintsDeps,
  event: FraudSuspected,
): Promise<{ version: bigint; events: NewEvent[] }> {
  const { walletId, hintId } = event.data;
  const loaded = await createWalletRepository(deps.store).load(walletId);
  let decided: WalletEvent[] = [];
  try {
    decided = freezeWallet({ type: 'FreezeWallet', walletId, reason: `fraud hint ${hintId}` },
      loaded.state);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error; // Closed, or not a customer's: no freeze.
  }
  const metadata = { occurredAt: event.data.detectedAt, actorId: FRAUD_HINTS_ACTOR,
    causationId: hintId };
  return {
    version: loaded.version,
    events: decided.map((frozen) => ({
      eventId: deterministicUuid(`fraud-freeze:${hintId}`), ...encodeWalletEvent(frozen), metadata,
    })),
  };
}
