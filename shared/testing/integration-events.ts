// Test support: valid domain events of every type that goes on the bus (each movement in every
// movement kind), for the topic mapping, the relay, the integration feed contract and the
// AsyncAPI checks. Money is bigint minor units here, as in every typed event.
import { randomUUID } from 'node:crypto';
import { encodeDomainEvent, type DomainEvent } from '../domain/event-codec';
import { holdId, movementId, userId, walletId, type WalletId } from '../domain/ids';
import { MOVEMENT_KINDS, type MovementKind, type WalletEvent } from '../domain/wallet/wallet.events';
import type { UserEvent } from '../domain/user/user.events';
import { userStreamId } from '../domain/user/user.streams';
import { walletStreamId } from '../domain/wallet/wallet.streams';
import type { EventStore, StreamAppend } from '../ports/event-store.port';
import type { SourceEvent } from '../integration/topics';

export const OCCURRED_AT = '2026-12-03T12:00:00.000Z';

/** A fresh wallet id, so tests sharing a log or a broker never meet. */
export const aWalletId = (label = 'w'): WalletId => walletId(`${label}-${randomUUID()}`);

export function aMovement(
  type: 'WalletDebited' | 'WalletCredited',
  movementKind: MovementKind,
  wallet: WalletId,
  amountMinor = 1_050n,
): WalletEvent {
  return {
    type,
    data: {
      walletId: wallet, movementId: movementId(`m-${randomUUID()}`), movementKind,
      currency: 'MYR', amountMinor, counterpartyWalletId: walletId('w-counterparty'),
      note: 'kopi ☕', occurredAt: OCCURRED_AT,
    },
  } as WalletEvent;
}

export function aRejection(movementKind: MovementKind, wallet: WalletId): WalletEvent {
  return {
    type: 'TransferRejected',
    data: {
      walletId: wallet, movementId: movementId(`m-${randomUUID()}`), movementKind,
      code: 'insufficient_funds', currency: 'MYR', amountMinor: 99_999n,
      counterpartyWalletId: walletId('w-counterparty'), occurredAt: OCCURRED_AT,
    },
  } as WalletEvent;
}

export const aHoldPlaced = (wallet: WalletId): WalletEvent => ({
  type: 'HoldPlaced',
  data: { walletId: wallet, holdId: holdId(`h-${randomUUID()}`), currency: 'MYR',
    amountMinor: 500n, reason: 'taxi', expiresAt: OCCURRED_AT, placedAt: OCCURRED_AT },
}) as WalletEvent;

export const aPlanChanged = (user = `u-${randomUUID()}`): UserEvent => ({
  type: 'UserPlanChanged',
  data: { userId: userId(user), plan: 'PREMIUM', reason: 'subscription_created' },
}) as UserEvent;

export const aFraudSuspected = (wallet: WalletId): WalletEvent => ({
  type: 'FraudSuspected',
  data: { walletId: wallet, hintId: `fh-${randomUUID()}`, rules: ['velocity'],
    summary: '5 payments within 10 minutes', detectedAt: OCCURRED_AT },
}) as WalletEvent;

/** A wallet event that moves no money: it stays off the bus. */
export const aWalletFrozen = (wallet: WalletId): WalletEvent => ({
  type: 'WalletFrozen',
  data: { walletId: wallet, reason: 'fraud review' },
}) as WalletEvent;

/** One event of each type that goes on the bus, movements in every movement kind. */
export function everyIntegrationEvent(wallet: WalletId): DomainEvent[] {
  return [
    ...MOVEMENT_KINDS.flatMap((kind) => [
      aMovement('WalletDebited', kind, wallet),
      aMovement('WalletCredited', kind, wallet),
      aRejection(kind, wallet),
    ]),
    aHoldPlaced(wallet),
    aPlanChanged(),
    aFraudSuspected(wallet),
  ];
}

export const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** An event with a fresh id and the test trace context, as the relay reads it from the log. */
export const aSource = (event: DomainEvent): SourceEvent =>
  ({ eventId: randomUUID(), event, traceparent: TRACEPARENT });

function streamOf(event: DomainEvent): string {
  if ('walletId' in event.data) return walletStreamId(event.data.walletId);
  if ('userId' in event.data) return userStreamId(event.data.userId);
  throw new Error(`no stream for ${event.type} in these tests`);
}

/** Appends `sources` in one transaction, each on its own stream, without version checks. */
export async function appendSources(store: EventStore, sources: readonly SourceEvent[]) {
  const streams = new Map<string, StreamAppend & { events: StreamAppend['events'][number][] }>();
  for (const source of sources) {
    const streamId = streamOf(source.event);
    const entry = streams.get(streamId) ?? { streamId, expectedVersion: 'any', events: [] };
    entry.events.push({
      eventId: source.eventId,
      ...encodeDomainEvent(source.event),
      metadata: { occurredAt: OCCURRED_AT, actorId: 'test',
        ...(source.traceparent ? { traceparent: source.traceparent } : {}) },
    });
    streams.set(streamId, entry);
  }
  return store.append({ streams: [...streams.values()] });
}
