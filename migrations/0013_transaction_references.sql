-- Up Migration
-- A payment's merchant reference in the wallet history (rm_wallet_transactions.reference),
-- which statements list and insights read for spending categories (docs/insights.md). The
-- wallets projection writes it from WalletDebited, WalletCredited and TransferRejected; rows
-- projected before this migration get it here from their events, so the table equals what
-- `tng projections rebuild wallets` would write.
alter table rm_wallet_transactions add column reference text;

update rm_wallet_transactions t
   set reference = e.data ->> 'reference'
  from events e
 where e.stream_id = 'wallet-' || t.wallet_id
   and e.stream_version = t.stream_version
   and e.data ? 'reference';

-- Down Migration
alter table rm_wallet_transactions drop column reference;
