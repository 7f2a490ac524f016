// `tng audit verify`: the auditor's proof, in one run. Hash chains and contiguous versions
// (the store recomputes every chain), then one pass over the log for decoding, conservation
// per currency, non-negative customer balances and double entry, and read-model drift of
// rm_wallets at the projector's checkpoint. Exit 1 if any check fails; each finding names
// its place (stream and version, wallet, or transaction).
import type { CheckResult } from '../../shared/audit/audit-check';
import { hashChainCheck } from '../../shared/audit/hash-chain.check';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../../shared/cli/cli-errors';
import type { CommandResult } from '../../shared/cli/cli-output';
import { withCliRuntime } from './cli-runtime';
import { createProgress } from '../../shared/cli/progress';
import { encodePosition, type StreamVerification } from '../../shared/ports/event-store.port';
import type { Runtime } from '../runtime/runtime';
import { scanLedger } from './audit-ledger-scan';
import { humanAudit } from './audit-verify.human';

export async function auditVerify(): Promise<CommandResult> {
  return withCliRuntime(async (runtime) => {
    const startedMs = performance.now();
    const chains = hashChainCheck(await verifyChains(runtime));
    const ledger = await scanLedger(runtime);
    const checks: CheckResult[] = [chains, ...ledger.checks];
    const failed = checks.filter((check) => !check.ok).length;
    const report = {
      ok: failed === 0,
      failedChecks: failed,
      eventsRead: ledger.eventsRead,
      head: encodePosition(ledger.head),
      durationMs: Math.round(performance.now() - startedMs),
      checks,
    };
    return {
      json: report,
      human: () => humanAudit(report),
      exitCode: failed === 0 ? EXIT_OK : EXIT_CHECK_FAILED,
    };
  });
}

async function verifyChains(runtime: Runtime): Promise<StreamVerification> {
  const counted = await runtime.pool.query<{ n: unknown }>('select count(*) as n from streams');
  const total = Number(counted.rows[0]?.n ?? 0);
  const progress = createProgress('audit: hash chains', 'streams');
  try {
    return await runtime.store.verifyStreams({
      onProgress: (streams) => progress.update(streams, Math.max(total, streams)),
    });
  } finally {
    progress.stop();
  }
}
