// Typed domain events from what a decoding store already decoded. Projections and replays read
// through a decoding store (bin/runtime/event-store.ts gives it domainEventCodec), so every
// payload arrives validated by its zod schema and upcast to its latest version: running the
// codec again re-checked the same schemas and cost a rebuild a fifth of its time. Here only
// the typed form is made (`...Minor` digits to bigint). A payload at an older version proves
// the store did not decode, and then the full codec runs, so a raw store still works.
import {
  decodeUserEvent,
  decodeWalletEvent,
  type StoredEvent,
} from './event-codec';
import { fromWire, type AnyEventDefinition } from './event-definition';
import { userEventDefinitions, type UserEvent } from './user/user.events';
import {
  walletEventDefinitions,
  type WalletEvent,
} from './wallet/wallet.events';

const latestVersions = (definitions: readonly AnyEventDefinition[]) =>
  new Map(definitions.map((definition) => [definition.type, definition.schemaVersion]));

const walletLatest = latestVersions(walletEventDefinitions);
const userLatest = latestVersions(userEventDefinitions);

const isLatest = (latest: ReadonlyMap<string, number>, stored: StoredEvent) =>
  latest.get(stored.type) === stored.schemaVersion;

export function walletEventOf(stored: StoredEvent): WalletEvent {
  if (!isLatest(walletLatest, stored)) return decodeWalletEvent(stored);
  // The store's codec validated `data` against this type's latest schema.
  const data = fromWire(stored.data as Record<string, unknown>);
  return { type: stored.type, data } as WalletEvent;
}

export function userEventOf(stored: StoredEvent): UserEvent {
  if (!isLatest(userLatest, stored)) return decodeUserEvent(stored);
  // The store's codec validated `data` against this type's latest schema.
  const data = fromWire(stored.data as Record<string, unknown>);
  return { type: stored.type, data } as UserEvent;
}
