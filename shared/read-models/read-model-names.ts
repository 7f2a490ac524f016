// Names shared by the projector (which writes the read models) and the query API (which
// reads them). Tables are created by migrations/0003_read_models.sql (rm_top_ups by
// 0011_top_ups.sql).
export const PROJECTION_NAMES = ['wallets', 'transfers', 'users', 'top_ups'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

/** Redis/in-process key of a wallet's cached balance view, written after each commit. */
export const walletCacheKey = (walletId: string) => `wallet-view:${walletId}`;
export const WALLET_CACHE_TTL_MS = 60 * 1000;
