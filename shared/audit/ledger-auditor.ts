// The pure heart of `tng audit verify`: fed the whole event log in global order, batch by
// batch (no I/O here, so it is unit-tested with plain events), it checks that every wallet
// event decodes, conservation per currency, that no user or merchant wallet ever goes
// negative, double entry, plan limits per wallet and UTC day, the Stripe clearing account
// against the top-up sagas, and, at the end, drift of the wallets read model. Memory is one
// small tally per wallet plus the halves of movements still waiting for their partner.
import { decodeTopUpEvent, decodeWalletEvent } from '../domain/event-codec';
import { TOPUP_STREAM_PREFIX } from '../domain/topup/topup.events';
import type { WalletEvent } from '../domain/wallet/wallet.events';
import { userIdOfStream } from '../domain/user/user.streams';
import { walletIdOfStream } from '../domain/wallet/wallet.streams';
import { comparePositions, type Position, type RecordedEvent } from '../ports/event-store.port';
import { counted, Findings, placeOf, type CheckResult } from './audit-check';
import { ConservationCheck } from './conservation.check';
import { DoubleEntryCheck } from './double-entry.check';
import { PlanLimitsCheck } from './plan-limits.check';
import { StripeClearingCheck } from './stripe-clearing.check';
import { readModelDriftCheck, type ReadModelWallet } from './read-model-drift.check';
import {
  emptyTally, figuresOf, mayGoNegative, tallyEvent, type WalletFigures, type WalletTally,
} from './wallet-tally';

export type LedgerAuditorOptions = Readonly<{
  /** The wallets projection's checkpoint: drift is judged as of this position. */
  driftCheckpoint: Position;
}>;

export class LedgerAuditor {
  private readonly wallets = new Map<string, WalletTally>();
  private readonly conservation = new ConservationCheck();
  private readonly doubleEntry = new DoubleEntryCheck();
  private readonly planLimits = new PlanLimitsCheck();
  private readonly stripeClearing = new StripeClearingCheck();
  private readonly negatives = new Findings();
  private readonly undecodable = new Findings();
  private events = 0;

  constructor(private readonly options: LedgerAuditorOptions) {}

  /** Events after those of the previous batch, in global order (as readAll returns them). */
  accept(batch: readonly RecordedEvent[]): void {
    for (const recorded of batch) this.acceptOne(recorded);
  }

  get eventsSeen(): number {
    return this.events;
  }

  /** The checks that need the whole log; `readModel` is rm_wallets as of the checkpoint. */
  finish(readModel: Iterable<ReadModelWallet>): CheckResult[] {
    const replayed = new Map<string, WalletFigures>();
    for (const tally of this.wallets.values()) {
      if (tally.atCheckpoint) replayed.set(tally.walletId, tally.atCheckpoint);
    }
    return [
      this.undecodable.result('decodable', {
        ok: `${counted(this.events, 'event')} read; every wallet and top-up event parses against its schema`,
        failed: `${counted(this.undecodable.total, 'event')} did not parse; their amounts are `
          + 'missing from the other checks',
      }),
      this.conservation.finish(),
      this.negatives.result('non-negative-balances', {
        ok: `${counted(this.wallets.size, 'wallet')}: no user or merchant wallet's balance or available `
          + 'amount is negative at any step; every hold ends once',
        failed: `${counted(this.negatives.total, 'problem')}: wallets gone negative or holds `
          + 'ended that were not active',
      }),
      this.doubleEntry.finish(),
      this.planLimits.finish(),
      this.stripeClearing.finish(),
      readModelDriftCheck(replayed, readModel, this.options.driftCheckpoint),
    ];
  }

  private acceptOne(recorded: RecordedEvent): void {
    this.events += 1;
    this.conservation.observe(recorded.position);
    const walletId = walletIdOfStream(recorded.streamId);
    if (walletId === null) {
      // User streams move no money, but their plan changes set the limits.
      if (userIdOfStream(recorded.streamId) !== null) this.planLimits.acceptUserEvent(recorded);
      if (recorded.streamId.startsWith(TOPUP_STREAM_PREFIX)) this.acceptTopUpEvent(recorded);
      return;
    }
    const event = this.decode(recorded);
    if (!event) return;
    this.planLimits.acceptWalletEvent(recorded, event);
    let tally = this.wallets.get(walletId);
    if (!tally) {
      tally = emptyTally(walletId);
      this.wallets.set(walletId, tally);
    }
    const problem = tallyEvent(tally, event, recorded.streamVersion);
    if (problem) this.negatives.add(`${placeOf(recorded)}: ${problem}`);
    if (event.type === 'WalletDebited' || event.type === 'WalletCredited') {
      this.acceptMovement(recorded, event);
    }
    this.checkNotNegative(tally, recorded);
    if (comparePositions(recorded.position, this.options.driftCheckpoint) <= 0) {
      tally.atCheckpoint = figuresOf(tally);
    }
  }

  private acceptTopUpEvent(recorded: RecordedEvent): void {
    try {
      this.stripeClearing.acceptSagaEvent(decodeTopUpEvent(recorded), placeOf(recorded));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.undecodable.add(`${placeOf(recorded)}: ${reason}`);
    }
  }

  private decode(recorded: RecordedEvent): WalletEvent | null {
    try {
      return decodeWalletEvent(recorded);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.undecodable.add(`${placeOf(recorded)}: ${reason}`);
      return null;
    }
  }

  private acceptMovement(
    recorded: RecordedEvent,
    event: Extract<WalletEvent, { type: 'WalletDebited' | 'WalletCredited' }>,
  ): void {
    const { walletId, counterpartyWalletId, movementId, currency, amountMinor } = event.data;
    const side = event.type === 'WalletDebited' ? 'debit' : 'credit';
    const place = placeOf(recorded);
    this.conservation.add(currency, side === 'debit' ? -amountMinor : amountMinor);
    this.doubleEntry.accept({
      side, walletId, counterpartyWalletId, movementId, currency, amountMinor, place,
    });
    this.stripeClearing.acceptMovement(side, {
      walletId, movementId, currency, amountMinor, place, movementKind: event.data.movementKind,
    });
  }

  private checkNotNegative(tally: WalletTally, recorded: RecordedEvent): void {
    if (tally.negativeReported || mayGoNegative(tally)) return;
    const availableMinor = tally.balanceMinor - tally.heldMinor;
    if (tally.balanceMinor >= 0n && availableMinor >= 0n) return;
    tally.negativeReported = true;
    const currency = tally.currency ?? '(no currency: never opened)';
    this.negatives.add(`${placeOf(recorded)}: ${tally.kind ?? 'unopened'} wallet at balance `
      + `${tally.balanceMinor}, available ${availableMinor} ${currency} after ${recorded.type}`);
  }
}
