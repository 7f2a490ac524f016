// The human rendering of `tng audit verify`: a verdict line, then each check with its
// summary and, when it failed, the places it names.
import type { CheckResult } from '../../shared/audit/audit-check';

export type AuditReport = Readonly<{
  ok: boolean;
  failedChecks: number;
  eventsRead: number;
  head: string;
  durationMs: number;
  checks: readonly CheckResult[];
}>;

export function humanAudit(report: AuditReport): string {
  const verdict = report.ok
    ? `audit verify: OK, ${report.checks.length} checks passed`
    : `audit verify: FAILED, ${report.failedChecks} of ${report.checks.length} checks failed`;
  const width = Math.max(...report.checks.map((check) => check.check.length));
  const lines = report.checks.flatMap((check) => [
    `  ${check.ok ? 'ok    ' : 'FAILED'}  ${check.check.padEnd(width)}  ${check.summary}`,
    ...check.findings.map((finding) => `          - ${finding}`),
    ...(check.findingsTotal > check.findings.length
      ? [`          (${check.findingsTotal - check.findings.length} more not listed)`]
      : []),
  ]);
  const footer = `${report.eventsRead} events read up to position ${report.head} in `
    + `${(report.durationMs / 1_000).toFixed(1)} s`;
  return [verdict, ...lines, footer].join('\n');
}
