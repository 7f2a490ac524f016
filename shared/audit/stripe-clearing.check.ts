// The Stripe clearing account (docs/architecture.md, "Top-ups"): what Stripe said was paid
// equals what was credited. Every top-up saga that recorded a payment (TopUpSucceeded) must
// have exactly one wallet credit of kind `top_up` with the top-up's id as movement id, for
// the amount and currency requested, on the wallet requested; no `top_up` credit may exist
// without a recorded payment; and per currency the clearing account was debited exactly the
// credited total. A paid top-up whose credit the wallet refused (closed since) is a finding
// too: the customer paid and holds nothing, so an operator must act (refund or reopen,
// then `tng stripe reconcile`).
import type { TopUpEvent } from '../domain/topup/topup.events';
import { counted, Findings, type CheckResult } from './audit-check';

type SagaTally = {
  walletId: string;
  currency: string;
  amountMinor: bigint;
  paid: boolean;
  place: string;
};

type TopUpCredit = Readonly<{
  walletId: string;
  movementId: string;
  currency: string;
  amountMinor: bigint;
  place: string;
}>;

const CLEARING_PREFIX = 'system-stripe_clearing-';

export class StripeClearingCheck {
  private readonly sagas = new Map<string, SagaTally>();
  private readonly credits = new Map<string, TopUpCredit[]>();
  private readonly clearingDebitedMinor = new Map<string, bigint>();
  private readonly findings = new Findings();

  /** A top-up saga's event, from its `topup-<id>` stream, in log order. */
  acceptSagaEvent(event: TopUpEvent, place: string): void {
    if (event.type === 'TopUpRequested') {
      const { walletId, currency, amountMinor } = event.data;
      this.sagas.set(event.data.topUpId,
        { walletId, currency, amountMinor, paid: false, place });
      return;
    }
    const saga = this.sagas.get(event.data.topUpId);
    if (!saga) {
      this.findings.add(`${place}: ${event.type} for top-up ${event.data.topUpId}, never requested`);
      return;
    }
    if (event.type === 'TopUpSucceeded') saga.paid = true;
  }

  /** A movement of kind `top_up`, or any movement touching a clearing account. */
  acceptMovement(
    side: 'debit' | 'credit',
    movement: TopUpCredit & Readonly<{ movementKind: string }>,
  ): void {
    const { walletId, movementId, currency, amountMinor, movementKind, place } = movement;
    const onClearing = walletId.startsWith(CLEARING_PREFIX);
    if (onClearing && (movementKind !== 'top_up' || side !== 'debit')) {
      this.findings.add(`${place}: the clearing account ${walletId} has a ${movementKind} `
        + `${side}; only top-up debits belong there`);
      return;
    }
    if (onClearing) {
      this.clearingDebitedMinor.set(currency,
        (this.clearingDebitedMinor.get(currency) ?? 0n) + amountMinor);
      return;
    }
    if (movementKind !== 'top_up' || side !== 'credit') return;
    const credits = this.credits.get(movementId) ?? [];
    credits.push({ walletId, movementId, currency, amountMinor, place });
    this.credits.set(movementId, credits);
  }

  finish(): CheckResult {
    const paidMinor = new Map<string, bigint>();
    const creditedMinor = new Map<string, bigint>();
    let paidTopUps = 0;
    for (const [topUpId, saga] of this.sagas) {
      const credits = this.credits.get(topUpId) ?? [];
      this.credits.delete(topUpId);
      for (const credit of credits) add(creditedMinor, credit.currency, credit.amountMinor);
      if (!saga.paid) {
        for (const credit of credits) {
          this.findings.add(`${credit.place}: top-up ${topUpId} credited, but Stripe never `
            + 'reported it paid');
        }
        continue;
      }
      paidTopUps += 1;
      add(paidMinor, saga.currency, saga.amountMinor);
      this.checkPaidCredits(topUpId, saga, credits);
    }
    for (const [movementId, credits] of this.credits) {
      for (const credit of credits) {
        add(creditedMinor, credit.currency, credit.amountMinor);
        this.findings.add(`${credit.place}: top_up credit ${movementId} has no top-up saga`);
      }
    }
    this.compareTotals(paidMinor, creditedMinor);
    const data: Record<string, string> = {};
    for (const [currency, total] of paidMinor) data[`paid${currency}`] = total.toString();
    for (const [currency, total] of creditedMinor) data[`credited${currency}`] = total.toString();
    return this.findings.result('stripe-clearing', {
      ok: `${counted(paidTopUps, 'paid top-up')}: each credited once, for what Stripe was paid; `
        + 'the clearing accounts were debited the same totals',
      failed: `${counted(this.findings.total, 'difference')} between what Stripe was paid and `
        + 'what wallets were credited',
    }, data);
  }

  private checkPaidCredits(topUpId: string, saga: SagaTally, credits: TopUpCredit[]): void {
    if (credits.length === 0) {
      this.findings.add(`${saga.place}: top-up ${topUpId} was paid (${saga.amountMinor} `
        + `${saga.currency}) and never credited`);
      return;
    }
    if (credits.length > 1) {
      this.findings.add(`${credits[1]!.place}: top-up ${topUpId} credited ${credits.length} times`);
    }
    const [credit] = credits;
    if (credit && (credit.walletId !== saga.walletId || credit.currency !== saga.currency
      || credit.amountMinor !== saga.amountMinor)) {
      this.findings.add(`${credit.place}: top-up ${topUpId} credited ${credit.amountMinor} `
        + `${credit.currency} to ${credit.walletId}; it was ${saga.amountMinor} ${saga.currency} `
        + `for ${saga.walletId}`);
    }
  }

  private compareTotals(paid: Map<string, bigint>, credited: Map<string, bigint>): void {
    const currencies = new Set([...paid.keys(), ...credited.keys(),
      ...this.clearingDebitedMinor.keys()]);
    for (const currency of currencies) {
      const paidTotal = paid.get(currency) ?? 0n;
      const debited = this.clearingDebitedMinor.get(currency) ?? 0n;
      const creditedTotal = credited.get(currency) ?? 0n;
      if (paidTotal === debited && debited === creditedTotal) continue;
      this.findings.add(`${currency}: Stripe paid ${paidTotal}, wallets credited `
        + `${creditedTotal}, clearing account debited ${debited}`);
    }
  }
}

function add(totals: Map<string, bigint>, currency: string, amountMinor: bigint): void {
  totals.set(currency, (totals.get(currency) ?? 0n) + amountMinor);
}
