-- Up Migration
-- Room on each page of rm_wallets for the next version of its rows. A wallet row is updated
-- on every movement and no indexed column changes, so with free space on the page Postgres
-- makes the update HOT (no index entries, the old version pruned in place) instead of moving
-- the row and inserting index entries. Rebuilds copy the setting to their shadow tables
-- (projector/src/copy-tables.ts), where each row is rewritten once per flush. 70 leaves
-- about 2 kB per 8 kB page, a dozen row versions, for a table that stays small.
-- Existing pages keep their layout until they are rewritten (by a rebuild, for one).
alter table rm_wallets set (fillfactor = 70);

-- Down Migration
alter table rm_wallets reset (fillfactor);
