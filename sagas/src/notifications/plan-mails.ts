// Which e-mails one integration message makes, to whom, with what text: the saga's decision,
// apart from sending. Every movement message is one wallet's side, so it mails that wallet's
// owner (a transfer's debit mails the sender, its credit the recipient); a refused transfer is
// recorded on the sender's wallet only, so it mails both the sender and the intended
// recipient. Mail ids: the source event id, plus a role suffix when one event mails two people
// (`<eventId>.sender`, `<eventId>.recipient`): the dedupe key of each e-mail.
// What a recipient learns of the other party is what a wallet app shows: the name, never a
// wallet id or e-mail address, and a refusal's reason only to the sender.
// Adjustments (an operator's correction) and debits of system accounts mail nobody.
import { assertNever } from '../../../shared/errors/assert';
import type { MailMessage } from '../../../shared/ports/mailer.port';
import type { NotificationKind } from '../../../shared/notifications/notification-kinds';
import {
  fraudSuspected,
  holdCaptured,
  paymentMade,
  paymentReceived,
  planChanged,
  topUpCredited,
  transferReceived,
  transferRejected,
  transferRejectedForRecipient,
  transferSent,
  type RenderedMail,
} from '../../../shared/notifications/templates/notification-templates';
import type { WalletCredited, WalletDebited } from '../../../shared/domain/wallet/wallet.events';
import type { TransferRejected } from '../../../shared/domain/wallet/wallet.events';
import type { NotificationSource } from './notification-source';
import type { Party, RecipientDirectory } from './recipients';

export type PlannedMail = Readonly<{
  mailId: string;
  kind: NotificationKind;
  sourceEventId: string;
  recipient: Party;
  message: MailMessage;
}>;

export type PlanDeps = Readonly<{
  directory: RecipientDirectory;
  /** The released rest of the capture `movementId` on `walletId`, or null if unknown. */
  releasedRestOfCapture: (walletId: string, movementId: string) => Promise<bigint | null>;
}>;

/** How the other party is named to a recipient. */
const SYSTEM_NAME = 'Mini TNG';
const UNKNOWN_NAME = 'another wallet';

async function nameOfWallet(deps: PlanDeps, walletId: string): Promise<string> {
  if (walletId.startsWith('system-')) return SYSTEM_NAME;
  return (await deps.directory.ownerOfWallet(walletId))?.name ?? UNKNOWN_NAME;
}

const mail = (
  mailId: string,
  kind: NotificationKind,
  sourceEventId: string,
  recipient: Party,
  rendered: RenderedMail,
): PlannedMail => ({
  mailId, kind, sourceEventId, recipient, message: { id: mailId, to: recipient.email, ...rendered },
});

type Movement = WalletDebited['data'] | WalletCredited['data'];

async function movementMail(
  deps: PlanDeps,
  eventId: string,
  direction: 'debit' | 'credit',
  data: Movement,
): Promise<PlannedMail | null> {
  const owner = await deps.directory.ownerOfWallet(data.walletId);
  if (owner === null) return null;
  const amount = { amountMinor: data.amountMinor, currency: data.currency };
  const name = () => nameOfWallet(deps, data.counterpartyWalletId);
  const one = (kind: NotificationKind, rendered: RenderedMail) =>
    mail(eventId, kind, eventId, owner, rendered);
  const { note, reference } = data;
  switch (data.movementKind) {
    case 'transfer':
      return direction === 'debit'
        ? one('transfer_sent', transferSent({ ...amount, counterpartyName: await name(), note }))
        : one('transfer_received',
          transferReceived({ ...amount, counterpartyName: await name(), note }));
    case 'payment':
      return direction === 'debit'
        ? one('payment_made', paymentMade({ ...amount, counterpartyName: await name(), reference }))
        : one('payment_received',
          paymentReceived({ ...amount, counterpartyName: await name(), reference }));
    case 'top_up':
      // The clearing account's debit has no owner; only the wallet's credit is a receipt.
      return direction === 'credit'
        ? one('top_up_receipt', topUpCredited({
          ...amount, topUpId: data.movementId, creditedAt: data.occurredAt,
        }))
        : null;
    case 'hold_capture': {
      if (direction === 'credit') {
        return one('payment_received', paymentReceived({ ...amount, counterpartyName: await name() }));
      }
      const released = await deps.releasedRestOfCapture(data.walletId, data.movementId);
      return one('hold_captured', holdCaptured({
        currency: data.currency,
        capturedAmountMinor: data.amountMinor,
        releasedAmountMinor: released ?? 0n,
        counterpartyName: await name(),
      }));
    }
    case 'adjustment':
      return null;
    default:
      return assertNever(data.movementKind);
  }
}

async function rejectionMails(
  deps: PlanDeps,
  eventId: string,
  data: TransferRejected['data'],
): Promise<PlannedMail[]> {
  if (data.movementKind !== 'transfer' && data.movementKind !== 'payment') return [];
  const movementKind = data.movementKind;
  const amount = { amountMinor: data.amountMinor, currency: data.currency };
  const mails: PlannedMail[] = [];
  const sender = await deps.directory.ownerOfWallet(data.walletId);
  if (sender !== null) {
    const counterpartyName = await nameOfWallet(deps, data.counterpartyWalletId);
    mails.push(mail(`${eventId}.sender`,
      movementKind === 'payment' ? 'payment_failed' : 'transfer_failed', eventId, sender,
      transferRejected({ ...amount, counterpartyName, code: data.code, movementKind,
        note: data.note })));
  }
  // A refusal addressed to the sender's own wallet has no second party to tell.
  if (data.counterpartyWalletId === data.walletId) return mails;
  const recipient = await deps.directory.ownerOfWallet(data.counterpartyWalletId);
  if (recipient !== null) {
    mails.push(mail(`${eventId}.recipient`,
      movementKind === 'payment' ? 'payment_failed_merchant' : 'transfer_failed_recipient',
      eventId, recipient,
      transferRejectedForRecipient({ ...amount, counterpartyName: sender?.name ?? UNKNOWN_NAME,
        movementKind })));
  }
  return mails;
}

/** The e-mails a message makes (none for most system-account sides and adjustments). */
export async function planMails(
  deps: PlanDeps,
  eventId: string,
  source: NotificationSource,
): Promise<PlannedMail[]> {
  switch (source.type) {
    case 'WalletDebited':
    case 'WalletCredited': {
      const direction = source.type === 'WalletDebited' ? 'debit' : 'credit';
      const planned = await movementMail(deps, eventId, direction, source.data);
      return planned ? [planned] : [];
    }
    case 'TransferRejected':
      return rejectionMails(deps, eventId, source.data);
    case 'UserPlanChanged': {
      const user = await deps.directory.user(source.data.userId);
      return user ? [mail(eventId, 'plan_changed', eventId, user,
        planChanged({ plan: source.data.plan }))] : [];
    }
    case 'FraudSuspected': {
      const owner = await deps.directory.ownerOfWallet(source.data.walletId);
      const { rules, summary, detectedAt } = source.data;
      return owner ? [mail(eventId, 'fraud_suspected', eventId, owner,
        fraudSuspected({ rules, summary, detectedAt }))] : [];
    }
    default:
      return assertNever(source);
  }
}
