// `tng audit replay --wallet <id> [--at <t>] [--from <t>] [--to <t>] [--csv] [--json]`: the
// wallet's history folded from its own stream (never from read models): the opening figures
// (just before `--from`), every step of the period with the balance, held and available
// amounts after it, the closing figures (up to `--to`, inclusive, by recorded time) and the
// period's totals. `--at` is `--to` under its older name. Instants are RFC 3339 with an offset,
// read as the HTTP routes read them.
import { replayPeriod } from '../../shared/audit/wallet-period';
import { ownerRoleChanges } from '../../shared/audit/owner-roles';
import { CheckFailed, UsageError } from '../../shared/cli/cli-errors';
import type { CommandResult } from '../../shared/cli/cli-output';
import { withCliRuntime } from './cli-runtime';
import { WalletIdSchema, type WalletId } from '../../shared/domain/ids';
import { walletStreamId } from '../../shared/domain/wallet/wallet.streams';
import { replayCsv } from './audit-replay.csv';
import { humanReplay } from './audit-replay.human';
import { parseInstant } from './instant';

export type ReplayOptions = Readonly<{
  wallet: string;
  at?: string;
  from?: string;
  to?: string;
  csv?: boolean;
  json?: boolean;
}>;

export async function auditReplay(options: ReplayOptions): Promise<CommandResult> {
  const walletId = parseWalletId(options.wallet);
  const { from, to } = parsePeriod(options);
  return withCliRuntime(async (runtime) => {
    const period = await replayPeriod(runtime.store, walletId, {
      ...(from ? { from } : {}), ...(to ? { to } : {}),
    });
    const { state } = period;
    if (state.status === 'absent') {
      const exists = (await runtime.store.streamVersion(walletStreamId(walletId))) > 0n;
      throw new CheckFailed(exists && to
        ? `wallet ${walletId} was not open yet at ${to.toISOString()}`
        : `wallet ${walletId} not found: stream ${walletStreamId(walletId)} has no events`);
    }
    const replay = {
      walletId,
      kind: state.kind,
      ownerId: state.ownerId,
      currency: state.currency,
      status: state.status,
      from: from?.toISOString() ?? null,
      to: to?.toISOString() ?? null,
      at: to?.toISOString() ?? null,
      opening: period.opening,
      steps: period.steps,
      closing: period.closing,
      final: period.closing,
      totals: period.totals,
      ownerRoles: state.ownerId ? await ownerRoleChanges(runtime.store, state.ownerId, to) : [],
    };
    return {
      json: replay,
      human: () => (options.csv ? replayCsv(replay) : humanReplay(replay)),
    };
  });
}

function parsePeriod(options: ReplayOptions): { from?: Date; to?: Date } {
  if (options.csv && options.json) throw new UsageError('--csv and --json: give one of them');
  if (options.at !== undefined && options.to !== undefined) {
    throw new UsageError('--at and --to name the same instant: give one of them');
  }
  const toText = options.to ?? options.at;
  const to = toText === undefined
    ? undefined
    : parseInstant(toText, options.to !== undefined ? '--to' : '--at');
  const from = options.from === undefined ? undefined : parseInstant(options.from, '--from');
  if (from && to && from > to) throw new UsageError('--from must not be after --to');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

function parseWalletId(raw: string): WalletId {
  const parsed = WalletIdSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(`--wallet must be a wallet id (letters, digits and _ . : -), not "${raw}"`);
  }
  return parsed.data;
}
