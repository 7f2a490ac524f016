// The requests of the bench's transfer runs: each HTTP client acts for one owner and spends
// from that owner's wallets in turn (as real payers do, each with their own token), paying a
// random other wallet of the same set. Amounts are small (1-10 minor units) so that no wallet
// of a long run reaches a plan limit: every request should be answered 201.
import { randomUUID } from 'node:crypto';
import type { LoadRequest } from './http-load';
import type { SeededWallet } from './seed-ledger';

export function transferRequests(
  wallets: readonly SeededWallet[],
): (client: number, sequence: number) => LoadRequest {
  const byOwner = new Map<string, SeededWallet[]>();
  for (const wallet of wallets) {
    byOwner.set(wallet.userId, [...(byOwner.get(wallet.userId) ?? []), wallet]);
  }
  const owners = [...byOwner.values()];
  return (client, sequence) => {
    const own = owners[client % owners.length]!;
    // Clients sharing an owner start at different wallets of it.
    const source = own[(Math.floor(client / owners.length) + sequence) % own.length]!;
    let target = wallets[Math.floor(Math.random() * wallets.length)]!;
    if (target === source) target = wallets[(wallets.indexOf(source) + 1) % wallets.length]!;
    return {
      path: '/v1/transfers',
      headers: { authorization: `Bearer ${source.token}`, 'idempotency-key': randomUUID() },
      body: JSON.stringify({
        sourceWalletId: source.walletId,
        targetWalletId: target.walletId,
        amount: String(1 + (sequence % 10)),
        currency: 'MYR',
      }),
    };
  };
}
