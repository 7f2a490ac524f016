// The summary writer port: turns a month's aggregate facts into a readable paragraph. The
// template writer is pure (shared/domain/insights/summary-facts.ts); an LLM adapter calls an
// OpenAI-compatible endpoint. The facts hold aggregates only, never a name, e-mail or id,
// so whatever receives them learns nothing that identifies a customer.
// Invariants: `write` resolves or rejects within the caller's signal (the insights route
// aborts it at SUMMARY_TIMEOUT_MS and falls back to the template); it has no side effect
// on the ledger, so a retry or a fallback is always safe.

/** One month's aggregates (shared/domain/insights/summary-facts.ts builds them). */
export type SummaryFacts = Readonly<{
  month: string;
  /** ISO 4217, upper case. */
  currency: string;
  /** Minor-unit digit strings. */
  totalIn: string;
  totalOut: string;
  /** The largest categories of spending, largest first, at most three. */
  topCategories: ReadonlyArray<Readonly<{ category: string; totalOut: string }>>;
  outChangeBasisPoints: string | null;
  anomalyCount: number;
  fraudRules: readonly string[];
}>;

export interface SummaryWriter {
  write(facts: SummaryFacts, options: { signal: AbortSignal }): Promise<string>;
}
