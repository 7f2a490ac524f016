// Events of the wallet aggregate (stream `wallet-<walletId>`), past tense, with their zod
// schemas. Every event names its wallet; every amount carries its currency, so an auditor can
// check conservation per currency from the events alone.
// Invariants: a balance changes ONLY through WalletDebited and WalletCredited. Credits carry
// no balance-after, because credits to hot wallets are appended without an expected version
// and the decider cannot know the balance at that point; projections compute running
// balances. Only the latest schema version of each event is written.
import { z } from 'zod/v4';
import { ERROR_CODES, type ErrorCode } from '../../errors/codes';
import { CurrencySchema } from '../money/money';
import {
  defineEvent,
  historicVersion,
  InstantSchema,
  MinorDigitsSchema,
  PositiveMinorDigitsSchema,
  type EventOf,
} from '../event-definition';
import { HoldIdSchema, MovementIdSchema, UserIdSchema, WalletIdSchema } from '../ids';

export const NOTE_LENGTH_MAX = 500;
export const REASON_LENGTH_MAX = 500;

export const WALLET_KINDS = ['user', 'merchant', 'system'] as const;
export const SYSTEM_ACCOUNTS = ['adjustments', 'stripe_clearing'] as const;
export const MOVEMENT_KINDS = [
  'transfer',
  'payment',
  'adjustment',
  'hold_capture',
  'top_up',
] as const;
export type WalletKind = (typeof WALLET_KINDS)[number];
export type SystemAccount = (typeof SYSTEM_ACCOUNTS)[number];
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

const NoteSchema = z.string().max(NOTE_LENGTH_MAX);
const ReasonSchema = z.string().min(1).max(REASON_LENGTH_MAX);
const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

// v1 shipped before merchant wallets and system accounts existed: every wallet had an owner.
const WalletOpenedV1 = z.strictObject({
  walletId: WalletIdSchema,
  ownerId: UserIdSchema,
  currency: CurrencySchema,
});
const WalletOpenedV2 = z
  .strictObject({
    walletId: WalletIdSchema,
    ownerId: UserIdSchema.nullable(),
    kind: z.enum(WALLET_KINDS),
    currency: CurrencySchema,
    systemAccount: z.enum(SYSTEM_ACCOUNTS).optional(),
  })
  .refine(
    (data) => (data.kind === 'system') === (data.ownerId === null),
    'system wallets, and only they, have no owner',
  )
  .refine(
    (data) => (data.kind === 'system') === (data.systemAccount !== undefined),
    'system wallets, and only they, name their system account',
  );

export const walletOpened = defineEvent('WalletOpened', WalletOpenedV2, [
  // Every v1 wallet was a customer's wallet.
  historicVersion(WalletOpenedV1, (v1) => ({ ...v1, kind: 'user' })),
]);

const movementShape = {
  walletId: WalletIdSchema,
  movementId: MovementIdSchema,
  movementKind: z.enum(MOVEMENT_KINDS),
  currency: CurrencySchema,
  amountMinor: PositiveMinorDigitsSchema,
  counterpartyWalletId: WalletIdSchema,
  note: NoteSchema.optional(),
  /** The merchant's reference of a payment. */
  reference: NoteSchema.optional(),
  /** Set on hold captures. */
  holdId: HoldIdSchema.optional(),
  /** From the command's clock; the daily outgoing limit is keyed by its UTC day. */
  occurredAt: InstantSchema,
};
export const walletDebited = defineEvent('WalletDebited', z.strictObject(movementShape));
export const walletCredited = defineEvent('WalletCredited', z.strictObject(movementShape));

const holdPlacedShape = {
  walletId: WalletIdSchema,
  holdId: HoldIdSchema,
  currency: CurrencySchema,
  amountMinor: PositiveMinorDigitsSchema,
  reason: ReasonSchema,
  expiresAt: InstantSchema,
};
// v1 shipped when a hold counted towards the daily outgoing limit only once captured.
const HoldPlacedV1 = z.strictObject(holdPlacedShape);
const HoldPlacedV2 = z.strictObject({
  ...holdPlacedShape,
  /**
   * From the command's clock: the hold counts towards the daily outgoing limit of this UTC
   * day (docs/architecture.md, "Plans"). Always written; null only on upcast v1 holds, whose
   * capture counts on the capture's day instead, as it did when they were placed.
   */
  placedAt: InstantSchema.nullable(),
});

export const holdPlaced = defineEvent('HoldPlaced', HoldPlacedV2, [
  historicVersion(HoldPlacedV1, (v1) => ({ ...v1, placedAt: null })),
]);

export const holdCaptured = defineEvent(
  'HoldCaptured',
  z.strictObject({
    walletId: WalletIdSchema,
    holdId: HoldIdSchema,
    movementId: MovementIdSchema,
    currency: CurrencySchema,
    capturedAmountMinor: PositiveMinorDigitsSchema,
    releasedAmountMinor: MinorDigitsSchema,
    targetWalletId: WalletIdSchema,
  }),
);

const holdEndShape = { walletId: WalletIdSchema, holdId: HoldIdSchema };
export const holdReleased = defineEvent('HoldReleased', z.strictObject(holdEndShape));
export const holdExpired = defineEvent('HoldExpired', z.strictObject(holdEndShape));

export const walletFrozen = defineEvent(
  'WalletFrozen',
  z.strictObject({ walletId: WalletIdSchema, reason: ReasonSchema }),
);
export const walletUnfrozen = defineEvent(
  'WalletUnfrozen',
  z.strictObject({ walletId: WalletIdSchema }),
);
export const walletClosed = defineEvent(
  'WalletClosed',
  z.strictObject({ walletId: WalletIdSchema, reason: ReasonSchema }),
);

/** A business rejection, recorded on the source wallet so failed attempts show in history. */
export const transferRejected = defineEvent(
  'TransferRejected',
  z.strictObject({
    walletId: WalletIdSchema,
    movementId: MovementIdSchema,
    movementKind: z.enum(MOVEMENT_KINDS),
    code: ErrorCodeSchema,
    currency: CurrencySchema,
    amountMinor: PositiveMinorDigitsSchema,
    counterpartyWalletId: WalletIdSchema,
    note: NoteSchema.optional(),
    reference: NoteSchema.optional(),
    occurredAt: InstantSchema,
  }),
);

/** Longest fraud-hint summary, in characters. */
export const FRAUD_SUMMARY_LENGTH_MAX = 500;

/**
 * The fraud-hints saga judged the wallet's recent spending suspicious (the rules of
 * shared/domain/insights/fraud-rules.ts, named in `rules`). Moves no money and changes no
 * state the deciders read: it is a record for the owner, admins and notifications. Rule
 * names are snake_case words rather than an enum, so a new rule needs no new version.
 */
export const fraudSuspected = defineEvent(
  'FraudSuspected',
  z.strictObject({
    walletId: WalletIdSchema,
    hintId: z.string().min(1).max(100),
    rules: z.array(z.string().regex(/^[a-z][a-z_]{0,39}$/)).min(1).max(10),
    summary: z.string().min(1).max(FRAUD_SUMMARY_LENGTH_MAX),
    detectedAt: InstantSchema,
  }),
);

export const walletEventDefinitions = [
  walletOpened,
  walletDebited,
  walletCredited,
  holdPlaced,
  holdCaptured,
  holdReleased,
  holdExpired,
  walletFrozen,
  walletUnfrozen,
  walletClosed,
  transferRejected,
  fraudSuspected,
] as const;

export type WalletOpened = EventOf<typeof walletOpened>;
export type WalletDebited = EventOf<typeof walletDebited>;
export type WalletCredited = EventOf<typeof walletCredited>;
export type HoldPlaced = EventOf<typeof holdPlaced>;
export type HoldCaptured = EventOf<typeof holdCaptured>;
export type HoldReleased = EventOf<typeof holdReleased>;
export type HoldExpired = EventOf<typeof holdExpired>;
export type WalletFrozen = EventOf<typeof walletFrozen>;
export type WalletUnfrozen = EventOf<typeof walletUnfrozen>;
export type WalletClosed = EventOf<typeof walletClosed>;
export type TransferRejected = EventOf<typeof transferRejected>;
export type FraudSuspected = EventOf<typeof fraudSuspected>;
export type WalletEvent = EventOf<(typeof walletEventDefinitions)[number]>;
export type WalletEventType = WalletEvent['type'];
