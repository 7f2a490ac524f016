// Plan limits from the events alone (docs/architecture.md, "Plans"): for every user wallet
// and UTC day, no transfer, payment or hold exceeds the per-transfer limit, and the day's
// outgoing total never exceeds the daily limit. The total of day D counts transfers and
// payments debited on D and holds placed on D; a released or expired hold gives its amount
// back to its own day, a capture gives back its released rest and counts nothing again; a
// v1 hold (no placedAt) counts when captured instead, on the capture's day.
// It is its own fold, keyed by day, independent of the wallet's evolve (an audit must not
// reuse the code it audits): it remembers every day, so a debit stamped with an earlier day
// (clock skew) is still judged against that day.
// The plan is the owner's, from UserPlanChanged events (FREE before the first). A day on
// which the plan changed is judged against the most generous plan held that day: a command
// decided just before a downgrade may land just after it, and that is no violation.
import { decodeUserEvent } from '../domain/event-codec';
import { PLAN_LIMITS, type Plan } from '../domain/plans/plan-limits';
import type { CurrencyCode } from '../domain/money/money';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import type { RecordedEvent } from '../ports/event-store.port';
import { counted, Findings, placeOf, type CheckResult } from './audit-check';

type PlanChange = Readonly<{ day: string; plan: Plan }>;
type HeldAmount = { day: string | null; amountMinor: bigint };
type UserWallet = {
  walletId: string;
  ownerId: string;
  currency: CurrencyCode;
  /** Outgoing total per UTC day. */
  days: Map<string, bigint>;
  holds: Map<string, HeldAmount>;
  /** A v1 hold just captured: the debit that follows counts. */
  v1Capture: string | null;
  /** Days already reported over the daily limit, so each wallet-day is named once. */
  reportedDays: Set<string>;
};

const dayOf = (instant: string | Date): string =>
  (typeof instant === 'string' ? new Date(instant) : instant).toISOString().slice(0, 10);

const PLAN_RANK: Readonly<Record<Plan, number>> = { FREE: 0, PREMIUM: 1 };
const moreGenerous = (a: Plan, b: Plan): Plan => (PLAN_RANK[b] > PLAN_RANK[a] ? b : a);

export class PlanLimitsCheck {
  private readonly planChanges = new Map<string, PlanChange[]>();
  private readonly wallets = new Map<string, UserWallet>();
  private readonly findings = new Findings();
  private readonly overDays = new Set<string>();
  private checked = 0;

  /** Any event of a user stream; only plan changes matter here. */
  acceptUserEvent(recorded: RecordedEvent): void {
    if (recorded.type !== 'UserPlanChanged') return;
    let event;
    try {
      event = decodeUserEvent(recorded);
    } catch {
      return; // Not this check's finding: the plan stays as it was.
    }
    if (event.type !== 'UserPlanChanged') return;
    const changes = this.planChanges.get(event.data.userId) ?? [];
    const day = dayOf(recorded.metadata.occurredAt ?? recorded.recordedAt);
    changes.push({ day, plan: event.data.plan });
    this.planChanges.set(event.data.userId, changes);
  }

  /** A decoded wallet event; only user wallets have plan limits. */
  acceptWalletEvent(recorded: RecordedEvent, event: WalletEvent): void {
    if (event.type === 'WalletOpened') {
      const { walletId, kind, ownerId, currency } = event.data;
      if (kind !== 'user' || ownerId === null) return;
      this.wallets.set(walletId, {
        walletId, ownerId, currency, days: new Map(), holds: new Map(), v1Capture: null,
        reportedDays: new Set(),
      });
      return;
    }
    const wallet = this.wallets.get(event.data.walletId);
    if (wallet) this.fold(wallet, recorded, event);
  }

  finish(): CheckResult {
    const movements = counted(this.checked, 'transfer, payment or hold',
      'transfers, payments and holds');
    const wallets = counted(this.wallets.size, 'user wallet');
    const broken = counted(this.findings.total, 'plan limit broken', 'plan limits broken');
    const days = counted(this.overDays.size, 'wallet-day');
    return this.findings.result('plan-limits', {
      ok: `${wallets}, ${movements}: none over the per-transfer limit, no UTC day over the `
        + 'daily outgoing limit',
      failed: `${broken}; ${days} over the daily outgoing limit`,
    }, { walletDaysOver: String(this.overDays.size) });
  }

  private fold(wallet: UserWallet, recorded: RecordedEvent, event: WalletEvent): void {
    switch (event.type) {
      case 'WalletDebited': {
        const { movementKind, holdId, amountMinor, occurredAt } = event.data;
        const v1Capture = movementKind === 'hold_capture' && holdId === wallet.v1Capture;
        wallet.v1Capture = null;
        if (movementKind !== 'transfer' && movementKind !== 'payment' && !v1Capture) return;
        return this.count(wallet, recorded, dayOf(occurredAt), amountMinor, movementKind);
      }
      case 'HoldPlaced': {
        const { holdId, amountMinor, placedAt } = event.data;
        const day = placedAt === null ? null : dayOf(placedAt);
        wallet.holds.set(holdId, { day, amountMinor });
        if (day !== null) this.count(wallet, recorded, day, amountMinor, 'hold');
        return;
      }
      case 'HoldCaptured':
        return this.captured(wallet, recorded, event);
      case 'HoldReleased':
      case 'HoldExpired':
        return this.giveBack(wallet, event.data.holdId, null);
      default:
        return;
    }
  }

  private captured(
    wallet: UserWallet,
    recorded: RecordedEvent,
    event: Extract<WalletEvent, { type: 'HoldCaptured' }>,
  ): void {
    const { holdId, capturedAmountMinor, releasedAmountMinor } = event.data;
    const hold = wallet.holds.get(holdId);
    if (hold === undefined) return; // non-negative-balances names a hold ended twice.
    if (capturedAmountMinor > hold.amountMinor) {
      this.findings.add(`wallet ${event.data.walletId}: capture of `
        + `${capturedAmountMinor} ${wallet.currency} is more than its hold ${holdId} of `
        + `${hold.amountMinor}, at ${placeOf(recorded)}`);
    }
    if (hold.day === null) wallet.v1Capture = holdId;
    this.giveBack(wallet, holdId, releasedAmountMinor);
  }

  private giveBack(wallet: UserWallet, holdId: string, amountMinor: bigint | null): void {
    const hold = wallet.holds.get(holdId);
    if (hold === undefined) return;
    wallet.holds.delete(holdId);
    if (hold.day === null) return;
    const total = wallet.days.get(hold.day) ?? 0n;
    wallet.days.set(hold.day, total - (amountMinor ?? hold.amountMinor));
  }

  private count(
    wallet: UserWallet,
    recorded: RecordedEvent,
    day: string,
    amountMinor: bigint,
    what: string,
  ): void {
    this.checked += 1;
    const plan = this.planOn(wallet.ownerId, day);
    const limits = PLAN_LIMITS[plan][wallet.currency];
    const { walletId } = wallet;
    const at = `at ${placeOf(recorded)}`;
    if (amountMinor > limits.transferAmountMinorMax) {
      this.findings.add(`wallet ${walletId} on ${day}: ${what} of ${amountMinor} `
        + `${wallet.currency} is over the ${plan} per-transfer limit of `
        + `${limits.transferAmountMinorMax}, ${at}`);
    }
    const total = (wallet.days.get(day) ?? 0n) + amountMinor;
    wallet.days.set(day, total);
    if (total <= limits.dailyOutgoingMinorMax || wallet.reportedDays.has(day)) return;
    wallet.reportedDays.add(day);
    this.overDays.add(`${walletId} ${day}`);
    this.findings.add(`wallet ${walletId} on ${day}: outgoing ${total} ${wallet.currency} is `
      + `over the ${plan} daily limit of ${limits.dailyOutgoingMinorMax} after this ${what}, `
      + at);
  }

  /** The most generous plan the owner held on `day`, as far as the log has told so far. */
  private planOn(ownerId: string, day: string): Plan {
    let plan: Plan = 'FREE';
    let before: Plan = 'FREE';
    for (const change of this.planChanges.get(ownerId) ?? []) {
      if (change.day < day) before = change.plan;
      else plan = moreGenerous(plan, change.plan);
    }
    return moreGenerous(plan, before);
  }
}
