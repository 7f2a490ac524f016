// `tng stripe reconcile --since <RFC 3339>`: lists the Checkout Sessions created since then
// (Stripe, or the simulator's own table) and fulfils every paid top-up session whose wallet was
// not credited, through the webhook's own path (command-api/src/topup/reconcile-top-ups.ts).
// Safe to run any time: a second run finds every paid top-up credited and does nothing.
// Exit 1 when a session needs an operator (paid but the top-up closed, or another amount).
import { bootstrapSystemAccounts } from '../../command-api/src/bootstrap-system-accounts';
import { createCommandDeps } from '../../command-api/src/command-deps';
import { createPaymentDeps } from '../../command-api/src/topup/payment-deps';
import {
  reconcileTopUps,
  type ReconcileLine,
} from '../../command-api/src/topup/reconcile-top-ups';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../../shared/cli/cli-errors';
import type { CommandResult } from '../../shared/cli/cli-output';
import { openPayments } from '../runtime/payments';
import { withCliRuntime } from './cli-runtime';
import { parseInstant } from './instant';

const NEEDS_OPERATOR = new Set(['paid_but_closed', 'amount_mismatch']);

export async function stripeReconcile(since: string): Promise<CommandResult> {
  const from = parseInstant(since, '--since');
  return withCliRuntime(async (runtime) => {
    const { config, pool, store, metrics, logger } = runtime;
    await bootstrapSystemAccounts(store, new Date());
    // The CLI serves no pages: a checkout URL is never made here.
    const { payments } = await openPayments(config, pool, () => '');
    const deps = createPaymentDeps(createCommandDeps(store, metrics), payments, logger);
    const report = await reconcileTopUps(deps, from);
    const credited = report.lines.filter((line) => line.action === 'credited');
    const flagged = report.lines.filter((line) => NEEDS_OPERATOR.has(line.action));
    return {
      json: {
        since: from.toISOString(),
        sessions: report.sessions,
        credited: credited.length,
        lines: report.lines,
      },
      human: () => humanReport(from, report.sessions, report.lines),
      exitCode: flagged.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK,
    };
  });
}

function humanReport(since: Date, sessions: number, lines: readonly ReconcileLine[]): string {
  const acted = lines.filter((line) => line.action !== 'already_settled' && line.action !== 'not_paid'
    && line.action !== 'not_a_top_up');
  const credited = lines.filter((line) => line.action === 'credited').length;
  const head = `${sessions} Checkout Session(s) since ${since.toISOString()}: ` +
    (credited === 0 ? 'nothing to credit' : `credited ${credited} top-up(s)`);
  const details = acted.map((line) => `  ${line.action} ${line.topUpId ?? '-'} (session ${line.sessionId})`);
  return [head, ...details].join('\n');
}
