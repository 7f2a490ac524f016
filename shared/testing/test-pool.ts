// A pg Pool for tests. A test database is dropped WITH (FORCE) when its file ends, which can
// kill connections a just-ended pool has not closed yet; without listeners that surfaces as
// an unhandled 'error' and fails whichever test is running. Dead connections are harmless
// here: the query in flight, if any, fails by itself.
import { Pool, type PoolConfig } from 'pg';

export function createTestPool(config: PoolConfig): Pool {
  const pool = new Pool(config);
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
