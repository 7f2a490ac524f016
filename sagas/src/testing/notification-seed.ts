// Test support for the notifications saga: a small ledger of real events written through the
// real deciders, as the command side would write them: three registered users (two customers
// and a merchant), their wallets, the MYR system accounts, funding, and one call per movement
// the saga mails about (transfer, payment, refused transfer, top-up, hold capture, plan
// change). Each call returns the events it appended with their ids.
import { randomUUID } from 'node:crypto';
import { encodeDomainEvent, type DomainEvent } from '../../../shared/domain/event-codec';
import { holdId, movementId, userId, walletId, type WalletId } from '../../../shared/domain/ids';
import { money } from '../../../shared/domain/money/money';
import { applyAll, walletIn, type Ledger } from '../../../shared/domain/testing/wallet-ledger';
import type { Role } from '../../../shared/domain/user/user.events';
import { changePlan, register } from '../../../shared/domain/user/user.decider';
import { userStreamId } from '../../../shared/domain/user/user.streams';
import { captureHold } from '../../../shared/domain/wallet/capture-hold.decider';
import { placeHold } from '../../../shared/domain/wallet/hold.decider';
import { payment, transfer } from '../../../shared/domain/wallet/movement.decider';
import { rejectionEvents } from '../../../shared/domain/wallet/rejection';
import { adjustment, topUp } from '../../../shared/domain/wallet/system-movement.decider';
import type { WalletEvent } from '../../../shared/domain/wallet/wallet.events';
import { openWallet } from '../../../shared/domain/wallet/wallet-lifecycle.decider';
import { systemWalletId, walletStreamId } from '../../../shared/domain/wallet/wallet.streams';
import { DomainError } from '../../../shared/errors/domain-error';
import type { EventStore } from '../../../shared/ports/event-store.port';

export const ALICE = { userId: userId('u-alice'), email: 'alice@example.com', name: 'Alice Tan',
  walletId: walletId('w-alice') } as const;
export const BOB = { userId: userId('u-bob'), email: 'bob@example.com', name: 'Bob Lee',
  walletId: walletId('w-bob') } as const;
export const KOPI = { userId: userId('u-kopi'), email: 'kopi@example.com', name: 'Kopi Corner',
  walletId: walletId('merchant-u-kopi-MYR') } as const;
export const ADJUSTMENTS = systemWalletId('adjustments', 'MYR');
export const CLEARING = systemWalletId('stripe_clearing', 'MYR');
export const FUNDED_MINOR = 100_000n;

export type Appended = Readonly<{ eventId: string; event: DomainEvent }>;

export class NotificationSeed {
  private ledger: Ledger = new Map();
  private readonly now = new Date('2026-12-03T09:00:00.000Z');

  constructor(private readonly store: EventStore) {}

  /** Users, wallets, system accounts, and Alice's funding (an adjustment: mails nobody). */
  async open(): Promise<void> {
    for (const user of [ALICE, BOB, KOPI]) {
      const events = register({ type: 'RegisterUser', userId: user.userId, email: user.email,
        name: user.name }, { status: 'absent' });
      await this.appendUser(user.userId, events);
    }
    const system = (id: WalletId, account: 'adjustments' | 'stripe_clearing') =>
      openWallet({ type: 'OpenWallet', walletId: id, ownerId: null, kind: 'system',
        currency: 'MYR', systemAccount: account }, walletIn(this.ledger, id));
    await this.commit(system(ADJUSTMENTS, 'adjustments'), system(CLEARING, 'stripe_clearing'));
    const customer = (user: typeof ALICE | typeof BOB | typeof KOPI, kind: 'user' | 'merchant') =>
      openWallet({ type: 'OpenWallet', walletId: user.walletId, ownerId: user.userId, kind,
        currency: 'MYR' }, walletIn(this.ledger, user.walletId));
    await this.commit(customer(ALICE, 'user'), customer(BOB, 'user'), customer(KOPI, 'merchant'));
    const funded = adjustment({ type: 'AdjustBalance', movementId: movementId(`m-${randomUUID()}`),
      walletId: ALICE.walletId, direction: 'credit', amount: money('MYR', FUNDED_MINOR),
      reason: 'test funding', now: this.now }, ...this.pair(ALICE.walletId, ADJUSTMENTS));
    await this.commit(funded.wallet, funded.system);
  }

  transfer(amountMinor: bigint, note?: string): Promise<Appended[]> {
    const moved = transfer({ type: 'TransferMoney', movementId: movementId(`m-${randomUUID()}`),
      sourceWalletId: ALICE.walletId, targetWalletId: BOB.walletId,
      amount: money('MYR', amountMinor), note, actorPlan: 'FREE', targetPlan: 'FREE',
      now: this.now }, ...this.pair(ALICE.walletId, BOB.walletId));
    return this.commit(moved.source, moved.target);
  }

  pay(amountMinor: bigint, reference: string): Promise<Appended[]> {
    const paid = payment({ type: 'PayMerchant', movementId: movementId(`m-${randomUUID()}`),
      sourceWalletId: ALICE.walletId, targetWalletId: KOPI.walletId,
      amount: money('MYR', amountMinor), reference, actorPlan: 'FREE', now: this.now },
    ...this.pair(ALICE.walletId, KOPI.walletId));
    return this.commit(paid.source, paid.target);
  }

  /** Bob sends more than he has: refused, recorded on Bob's wallet only. */
  async refusedTransfer(amountMinor: bigint): Promise<Appended[]> {
    const command = { type: 'TransferMoney', movementId: movementId(`m-${randomUUID()}`),
      sourceWalletId: BOB.walletId, targetWalletId: ALICE.walletId,
      amount: money('MYR', amountMinor), actorPlan: 'FREE', targetPlan: 'FREE',
      now: this.now } as const;
    try {
      transfer(command, ...this.pair(BOB.walletId, ALICE.walletId));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.commit(rejectionEvents(command, error, walletIn(this.ledger, BOB.walletId)));
    }
    throw new Error('the transfer was expected to be refused');
  }

  topUp(amountMinor: bigint, topUpId: string): Promise<Appended[]> {
    const credited = topUp({ type: 'CreditTopUp', movementId: movementId(topUpId),
      walletId: BOB.walletId, amount: money('MYR', amountMinor), now: this.now },
    ...this.pair(BOB.walletId, CLEARING));
    return this.commit(credited.wallet, credited.system);
  }

  /** Alice holds `heldMinor`, then Bob captures `capturedMinor` of it. */
  async holdAndCapture(heldMinor: bigint, capturedMinor: bigint): Promise<Appended[]> {
    const hold = holdId(`h-${randomUUID()}`);
    const placed = placeHold({ type: 'PlaceHold', walletId: ALICE.walletId, holdId: hold,
      amount: money('MYR', heldMinor), reason: 'hotel deposit', actorPlan: 'FREE',
      now: this.now }, walletIn(this.ledger, ALICE.walletId));
    await this.commit(placed);
    const captured = captureHold({ type: 'CaptureHold', walletId: ALICE.walletId, holdId: hold,
      movementId: movementId(`m-${randomUUID()}`), targetWalletId: BOB.walletId,
      amount: money('MYR', capturedMinor), targetPlan: 'FREE', now: this.now },
    ...this.pair(ALICE.walletId, BOB.walletId));
    return this.commit(captured.source, captured.target);
  }

  async changePlan(plan: 'FREE' | 'PREMIUM'): Promise<Appended[]> {
    const version = await this.store.streamVersion(userStreamId(ALICE.userId));
    const state = { status: 'registered', userId: ALICE.userId, email: ALICE.email,
      name: ALICE.name, roles: new Set<Role>(['customer']), plan: plan === 'FREE' ? 'PREMIUM' : 'FREE',
    } as const;
    const events = changePlan({ type: 'ChangePlan', userId: ALICE.userId, plan,
      reason: 'subscription_created' }, state);
    return this.appendUser(ALICE.userId, events, version);
  }

  private pair(first: WalletId, second: WalletId) {
    return [walletIn(this.ledger, first), walletIn(this.ledger, second)] as const;
  }

  private async appendUser(
    id: ReturnType<typeof userId>,
    events: readonly DomainEvent[],
    version?: bigint,
  ): Promise<Appended[]> {
    const appended = events.map((event) => ({ eventId: randomUUID(), event }));
    await this.store.append({ streams: [{ streamId: userStreamId(id),
      expectedVersion: version ?? 'no-stream', events: appended.map((a) => this.toNew(a)) }] });
    return appended;
  }

  /** One append, each side on its wallet's stream, folded into the ledger afterwards. */
  private async commit(...sides: (readonly WalletEvent[])[]): Promise<Appended[]> {
    const written = sides.filter((side) => side.length > 0)
      .map((side) => side.map((event) => ({ eventId: randomUUID(), event })));
    await this.store.append({ streams: written.map((side) => ({
      streamId: walletStreamId(side[0]!.event.data.walletId),
      expectedVersion: 'any',
      events: side.map((a) => this.toNew(a)),
    })) });
    this.ledger = applyAll(this.ledger, sides.flat());
    return written.flat();
  }

  private toNew({ eventId, event }: Appended) {
    return { eventId, ...encodeDomainEvent(event),
      metadata: { occurredAt: this.now.toISOString(), actorId: 'test' } };
  }
}
