// Read-model drift: each rm_wallets row must equal the wallet replayed from the events at
// or before the wallets projection's checkpoint (docs/architecture.md, invariant 5). The caller
// reads the rows and the checkpoint in one snapshot, since the projector writes them in one
// transaction; comparing at the checkpoint, not at the head, keeps a lagging but correct
// projector from looking like drift.
import { encodePosition, type Position } from '../ports/event-store.port';
import { counted, Findings, type CheckResult } from './audit-check';
import type { WalletFigures } from './wallet-tally';

export type ReadModelWallet = Readonly<{ walletId: string } & WalletFigures>;

export function readModelDriftCheck(
  replayed: ReadonlyMap<string, WalletFigures>,
  readModel: Iterable<ReadModelWallet>,
  checkpoint: Position,
): CheckResult {
  const findings = new Findings();
  const seen = new Set<string>();
  for (const row of readModel) {
    seen.add(row.walletId);
    const expected = replayed.get(row.walletId);
    if (!expected) {
      findings.add(`rm_wallets has wallet ${row.walletId}, which has no event at or before `
        + 'the checkpoint');
      continue;
    }
    const differences = differencesOf(row, expected);
    if (differences.length > 0) {
      findings.add(`wallet ${row.walletId}: ${differences.join(', ')} (read model vs events)`);
    }
  }
  for (const walletId of replayed.keys()) {
    if (!seen.has(walletId)) findings.add(`wallet ${walletId} is missing from rm_wallets`);
  }
  const at = `the wallets checkpoint ${encodePosition(checkpoint)}`;
  return findings.result('read-model-drift', {
    ok: `${counted(seen.size, 'rm_wallets row')} equal the wallets replayed up to ${at}`,
    failed: `${counted(findings.total, 'wallet')} differ from the events replayed up to ${at}`,
  }, { checkpoint: encodePosition(checkpoint), wallets: String(seen.size) });
}

function differencesOf(row: WalletFigures, expected: WalletFigures): string[] {
  const fields = [
    ['balance', row.balanceMinor, expected.balanceMinor],
    ['held', row.heldMinor, expected.heldMinor],
    ['version', row.version, expected.version],
  ] as const;
  return fields
    .filter(([, actual, wanted]) => actual !== wanted)
    .map(([name, actual, wanted]) => `${name} ${actual} vs ${wanted}`);
}
