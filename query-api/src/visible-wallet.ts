// The wallet if the caller may see it (its owner, or an auditor or admin); 404 otherwise, so
// a stranger cannot tell a wallet exists. The cached view first, unless X-Min-Position asked
// for a read at or after a position (then the read model, which the position waited for).
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../shared/errors/domain-error';
import { canReadAnything, principalOf } from '../../shared/http/principal';
import type { Cache } from '../../shared/ports/cache.port';
import type { ReadDatabase } from '../../shared/ports/read-database.port';
import { walletCacheKey } from '../../shared/read-models/read-model-names';
import { findWallet, type WalletView } from './wallet-queries';

export async function visibleWallet(
  deps: Readonly<{ cache: Cache; readDatabase: ReadDatabase }>,
  request: FastifyRequest,
  walletId: string,
): Promise<WalletView> {
  const principal = principalOf(request);
  const fresh = request.headers['x-min-position'] !== undefined;
  const cached = fresh ? null : await deps.cache.get(walletCacheKey(walletId)).catch(() => null);
  const wallet = cached
    ? (JSON.parse(cached) as WalletView)
    : await findWallet(deps.readDatabase, walletId);
  if (!wallet) throw new DomainError('not_found', 'no such resource');
  if (wallet.ownerId !== principal.userId && !canReadAnything(principal)) {
    throw new DomainError('not_found', 'no such resource');
  }
  return wallet;
}
