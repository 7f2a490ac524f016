-- Up Migration
-- Any money movement by its id (GET /v1/transactions/:transactionId): transfers, payments,
-- hold captures, adjustments and top-ups all leave one history row per side in
-- rm_wallet_transactions (the debit on the source, the credit on the target, or the failed
-- attempt on the source), keyed by the movement id the command answered with. This index
-- finds both sides at once. The table's rows are unchanged, so a rebuild stays identical;
-- rebuilds copy the index to their shadow tables (projector/src/copy-indexes.ts).
create index rm_wallet_transactions_transaction on rm_wallet_transactions (transaction_id);

-- Down Migration
drop index rm_wallet_transactions_transaction;
