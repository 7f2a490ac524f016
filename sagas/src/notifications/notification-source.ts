// What an integration message tells the notifications saga, decoded and checked: the same
// zod schemas as the event log (money back to bigint), so a malformed message is refused
// here rather than half-rendered. Messages the saga does not mail about decode to null.
// FraudSuspected is decoded against its announced payload ({walletId, hintId, rules, summary,
// detectedAt}) until the insights part defines the event; it then stays compatible.
import { z } from 'zod/v4';
import type { BusMessage } from '../../../shared/ports/bus.port';
import { fromWire, InstantSchema, type DataSchema } from '../../../shared/domain/event-definition';
import { WalletIdSchema } from '../../../shared/domain/ids';
import {
  transferRejected,
  walletCredited,
  walletDebited,
  type TransferRejected,
  type WalletCredited,
  type WalletDebited,
} from '../../../shared/domain/wallet/wallet.events';
import { userPlanChanged, type UserPlanChanged } from '../../../shared/domain/user/user.events';
import { InvariantViolation } from '../../../shared/errors/assert';

export const FRAUD_RULES_MAX = 20;
export const FRAUD_SUMMARY_LENGTH_MAX = 1_000;

const FraudSuspectedSchema = z.object({
  walletId: WalletIdSchema,
  hintId: z.string().min(1).max(128),
  rules: z.array(z.string().min(1).max(100)).max(FRAUD_RULES_MAX),
  summary: z.string().max(FRAUD_SUMMARY_LENGTH_MAX),
  detectedAt: InstantSchema,
});
export type FraudSuspectedData = z.output<typeof FraudSuspectedSchema>;

export type NotificationSource =
  | Readonly<{ type: 'WalletDebited'; data: WalletDebited['data'] }>
  | Readonly<{ type: 'WalletCredited'; data: WalletCredited['data'] }>
  | Readonly<{ type: 'TransferRejected'; data: TransferRejected['data'] }>
  | Readonly<{ type: 'UserPlanChanged'; data: UserPlanChanged['data'] }>
  | Readonly<{ type: 'FraudSuspected'; data: FraudSuspectedData }>;

/** A message whose payload does not match its type's schema: a bug upstream, not a mail. */
export class MalformedNotificationMessage extends InvariantViolation {}

function parse<T>(schema: DataSchema | z.ZodType, message: BusMessage): T {
  const result = schema.safeParse(message.payload);
  if (!result.success) {
    const where = result.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new MalformedNotificationMessage(
      `${message.type} ${message.eventId} does not match its schema (${where})`,
    );
  }
  return fromWire(result.data as Record<string, unknown>) as T;
}

/** The decoded source of a message, or null when no e-mail tells about its type. */
export function notificationSourceOf(message: BusMessage): NotificationSource | null {
  switch (message.type) {
    case 'WalletDebited':
      return { type: 'WalletDebited', data: parse(walletDebited.schema, message) };
    case 'WalletCredited':
      return { type: 'WalletCredited', data: parse(walletCredited.schema, message) };
    case 'TransferRejected':
      return { type: 'TransferRejected', data: parse(transferRejected.schema, message) };
    case 'UserPlanChanged':
      return { type: 'UserPlanChanged', data: parse(userPlanChanged.schema, message) };
    case 'FraudSuspected':
      return { type: 'FraudSuspected', data: parse(FraudSuspectedSchema, message) };
    default:
      // HoldPlaced (a hold is not a movement yet) and whatever a topic carries later.
      return null;
  }
}
