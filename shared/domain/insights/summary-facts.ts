// What a summary may say: aggregates of one month and nothing that names a person (no
// e-mail, no name, no wallet or merchant id), because an LLM endpoint outside our control
// may receive these facts (shared/ports/summary-writer.port.ts). The template below turns
// them into the summary every plan gets when no LLM is configured or it fails. Pure.
import { MINOR_UNIT_SCALE, type CurrencyCode } from '../money/money';
import type { MonthlyInsights } from './insights';
import type { SummaryFacts as WriterFacts } from '../../ports/summary-writer.port';

/** The port's facts, with the currency known to the domain. */
export type SummaryFacts = WriterFacts & Readonly<{ currency: CurrencyCode }>;

export const SUMMARY_CATEGORIES_MAX = 3;

export function summaryFactsOf(insights: MonthlyInsights, currency: CurrencyCode): SummaryFacts {
  return {
    month: insights.month,
    currency,
    totalIn: insights.totalInMinor.toString(),
    totalOut: insights.totalOutMinor.toString(),
    topCategories: insights.byCategory.slice(0, SUMMARY_CATEGORIES_MAX).map((c) => ({
      category: c.category, totalOut: c.totalOutMinor.toString(),
    })),
    outChangeBasisPoints: insights.trend.at(-1)?.outChangeBasisPoints ?? null,
    anomalyCount: insights.anomalies.length,
    fraudRules: [...new Set(insights.fraudHints.map((hint) => hint.rule))],
  };
}

/** Minor-unit digits as a decimal amount with its currency: 123456 MYR is "MYR 1234.56". */
export function displayAmount(currency: CurrencyCode, digits: string): string {
  const scale = MINOR_UNIT_SCALE[currency];
  if (scale === 0) return `${currency} ${digits}`;
  const padded = digits.padStart(scale + 1, '0');
  return `${currency} ${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/** Basis points as a percentage with two decimals, from digits alone: "-1250" is "-12.50%". */
export function displayBasisPoints(basisPoints: string): string {
  const negative = basisPoints.startsWith('-');
  const digits = (negative ? basisPoints.slice(1) : basisPoints).padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}%`;
}

export function templateSummary(facts: SummaryFacts): string {
  const amount = (digits: string) => displayAmount(facts.currency, digits);
  const sentences = [
    `In ${facts.month} you received ${amount(facts.totalIn)} and spent ${amount(facts.totalOut)}.`,
  ];
  if (facts.topCategories.length > 0) {
    const parts = facts.topCategories.map((c) => `${c.category} ${amount(c.totalOut)}`);
    sentences.push(`Most went to ${parts.join(', ')}.`);
  }
  if (facts.outChangeBasisPoints !== null) {
    const change = facts.outChangeBasisPoints;
    sentences.push(change.startsWith('-')
      ? `Spending fell ${displayBasisPoints(change.slice(1))} from the month before.`
      : `Spending rose ${displayBasisPoints(change)} from the month before.`);
  }
  if (facts.anomalyCount > 0) {
    sentences.push(`${facts.anomalyCount} unusual item(s) stood out against your usual spending.`);
  }
  if (facts.fraudRules.length > 0) {
    sentences.push(`Please review activity flagged by: ${facts.fraudRules.join(', ')}.`);
  }
  return sentences.join(' ');
}
