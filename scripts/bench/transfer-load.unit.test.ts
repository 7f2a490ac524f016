import type { SeededWallet } from './seed-ledger';
import { transferRequests } from './transfer-load';

const wallets: SeededWallet[] = Array.from({ length: 40 }, (_, i) => ({
  userId: `owner-${Math.floor(i / 20)}`,
  walletId: `wallet-${i}`,
  token: `token-${Math.floor(i / 20)}`,
  email: `bench-${i}@example.com`,
}));

describe('transferRequests', () => {
  it('spends from wallets of the client\'s owner, with its token, to another wallet', () => {
    const next = transferRequests(wallets);
    const byId = new Map(wallets.map((wallet) => [wallet.walletId, wallet]));
    for (let client = 0; client < 64; client += 1) {
      for (let sequence = 0; sequence < 50; sequence += 1) {
        const request = next(client, sequence);
        const body = JSON.parse(request.body) as Record<string, string>;
        const source = byId.get(body.sourceWalletId!)!;
        expect(source.userId).toBe(`owner-${client % 2}`);
        expect(request.headers.authorization).toBe(`Bearer ${source.token}`);
        expect(byId.has(body.targetWalletId!)).toBe(true);
        expect(body.targetWalletId).not.toBe(body.sourceWalletId);
        expect(Number(body.amount)).toBeGreaterThanOrEqual(1);
        expect(Number(body.amount)).toBeLessThanOrEqual(10);
      }
    }
  });
});
