// What the read side queries the read models through: slonik's query methods over rows typed
// and checked by zod schemas (`sql.type(WalletsRow)`, the *.rows.ts files here). The runtime
// makes one over its pool (shared/adapters/postgres/slonik-read-database.ts); services take it
// as a parameter and never see the adapter.
import type { CommonQueryMethods } from 'slonik';

export type ReadDatabase = Pick<CommonQueryMethods, 'any' | 'maybeOne' | 'one' | 'transaction'>;
