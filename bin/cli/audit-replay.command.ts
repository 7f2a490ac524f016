// `tng audit replay --wallet <id> [--at <instant>]`: the wallet's history folded from its own
// stream (never from read models): every step with the balance, held and available amounts
// after it, and the final figures, up to `--at` (inclusive, by recorded time).
import { balanceSummary, replayWallet } from '../../shared/audit/replay-wallet';
import { timelineStep, type TimelineStep } from '../../shared/audit/wallet-timeline';
import { CheckFailed, UsageError } from '../../shared/cli/cli-errors';
import type { CommandResult } from '../../shared/cli/cli-output';
import { withCliRuntime } from '../../shared/cli/cli-runtime';
import { WalletIdSchema, type WalletId } from '../../shared/domain/ids';
import { walletStreamId } from '../../shared/domain/wallet/wallet.streams';
import { humanReplay } from './audit-replay.human';
import { parseInstant } from './instant';

export type ReplayOptions = Readonly<{ wallet: string; at?: string }>;

export async function auditReplay(options: ReplayOptions): Promise<CommandResult> {
  const walletId = parseWalletId(options.wallet);
  const at = options.at === undefined ? undefined : parseInstant(options.at, '--at');
  return withCliRuntime(async (runtime) => {
    const steps: TimelineStep[] = [];
    const { state, last } = await replayWallet(runtime.store, walletId, {
      at, onStep: (step) => steps.push(timelineStep(step)),
    });
    if (state.status === 'absent') {
      const exists = (await runtime.store.streamVersion(walletStreamId(walletId))) > 0n;
      throw new CheckFailed(exists && at
        ? `wallet ${walletId} was not open yet at ${at.toISOString()}`
        : `wallet ${walletId} not found: stream ${walletStreamId(walletId)} has no events`);
    }
    const replay = {
      walletId,
      kind: state.kind,
      ownerId: state.ownerId,
      currency: state.currency,
      status: state.status,
      at: at?.toISOString() ?? null,
      steps,
      final: balanceSummary(state, last),
    };
    return { json: replay, human: () => humanReplay(replay) };
  });
}

function parseWalletId(raw: string): WalletId {
  const parsed = WalletIdSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(`--wallet must be a wallet id (letters, digits and _ . : -), not "${raw}"`);
  }
  return parsed.data;
}
