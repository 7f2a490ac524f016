// Goal: the wallets projection tolerates FraudSuspected: the wallet's version moves (so what
// is keyed by it, like cached insights, is retired) while its balance, held amount and
// status stay, and no history row is written (a hint is not a movement).
import { ALICE, credited, myr, NOW, opened } from '../../../shared/domain/testing/wallet-fixtures';
import { projectWalletEvent } from './project-wallet-event';

test('FraudSuspected moves only the version', () => {
  const at = (version: bigint) => ({ streamVersion: version, recordedAt: NOW });
  const none = () => undefined;
  const first = projectWalletEvent(null, none, opened(ALICE), at(1n)).wallet;
  const funded = projectWalletEvent(first, none, credited(ALICE, myr(5_000n)), at(2n)).wallet;
  const hinted = projectWalletEvent(funded, none, {
    type: 'FraudSuspected',
    data: {
      walletId: ALICE, hintId: 'hint-1', rules: ['velocity'], summary: 'fast',
      detectedAt: NOW.toISOString(),
    },
  }, at(3n));
  expect(hinted).toEqual({ wallet: { ...funded, version: 3n } });
});
