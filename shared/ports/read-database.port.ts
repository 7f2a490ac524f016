// What the read side queries the read models through: slonik's query-method shapes over
// queries written with `sql.type(WalletsRow)` (the row schemas in shared/read-models/), so
// each names its row type. The runtime makes one over its pool
// (shared/adapters/postgres/pg-read-database.ts); services take it as a parameter and never
// see the adapter.
import type { CommonQueryMethods } from 'slonik';

export type ReadDatabase = Pick<CommonQueryMethods, 'any' | 'maybeOne' | 'one' | 'transaction'>;
