// Expires the due holds of one wallet: load it from its stream, decide with the pure
// expireHolds(state, now), append the HoldExpired events with the wallet's expected version.
// Idempotent, in one process or many: each event id is derived from `expire:<holdId>`, so the
// same expiry appended twice is stored once, and the expected version makes a sweeper that
// loaded a stale wallet reload instead of expiring a hold that was meanwhile captured,
// released or expired. A conflict is retried at most EXPIRE_ATTEMPTS_MAX times; after that the
// next sweep tries again.
import type { AggregateRepository } from '../../../shared/aggregates/aggregate-repository';
import { deterministicUuid } from '../../../shared/domain/deterministic-uuid';
import { encodeWalletEvent } from '../../../shared/domain/event-codec';
import { walletId as toWalletId } from '../../../shared/domain/ids';
import { expireHolds } from '../../../shared/domain/wallet/hold.decider';
import type { HoldExpired, WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import type { WalletState } from '../../../shared/domain/wallet/wallet.state';
import { walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import { InfraError } from '../../../shared/errors/domain-error';
import {
  DuplicateEvent,
  VersionConflict,
  type EventMetadata,
  type EventStore,
  type NewEvent,
} from '../../../shared/ports/event-store.port';

export const EXPIRE_ATTEMPTS_MAX = 5;
/** Who the HoldExpired events name as their actor. */
export const HOLD_EXPIRY_ACTOR = 'system:hold-expiry';

export type ExpireDeps = Readonly<{
  store: EventStore;
  wallets: AggregateRepository<WalletState, WalletEvent>;
  /** Called on each version conflict (for tng_version_conflicts_total). */
  onConflict?: () => void;
}>;

/** The event id of a hold's expiry: the same in every process and every sweep. */
export const holdExpiryEventId = (holdId: string): string =>
  deterministicUuid(`expire:${holdId}`);

/** Returns how many HoldExpired events this call wrote (0 if none were due or all existed). */
export async function expireWalletHolds(
  deps: ExpireDeps,
  walletId: string,
  now: Date,
): Promise<number> {
  for (let attempt = 1; attempt <= EXPIRE_ATTEMPTS_MAX; attempt += 1) {
    const loaded = await deps.wallets.load(walletId);
    const expired = expireHolds(loaded.state, now);
    if (expired.length === 0) return 0;
    try {
      const result = await deps.store.append({
        streams: [
          {
            streamId: walletStreamId(toWalletId(walletId)),
            expectedVersion: loaded.version,
            events: expired.map((event) => toNewEvent(event, now)),
          },
        ],
      });
      // No position: every event already existed (a twin sweeper wrote the same ids).
      return result.position === null ? 0 : expired.length;
    } catch (error) {
      // DuplicateEvent: some of these expiries exist already; reloading shows which remain.
      if (!(error instanceof VersionConflict) && !(error instanceof DuplicateEvent)) throw error;
      deps.onConflict?.();
    }
  }
  throw new InfraError(`wallet ${walletId} kept changing; its holds expire on a later sweep`);
}

function toNewEvent(event: HoldExpired, now: Date): NewEvent {
  const metadata: EventMetadata = {
    occurredAt: now.toISOString(),
    actorId: HOLD_EXPIRY_ACTOR,
    correlationId: `hold-expiry:${event.data.holdId}`,
  };
  return { eventId: holdExpiryEventId(event.data.holdId), ...encodeWalletEvent(event), metadata };
}
