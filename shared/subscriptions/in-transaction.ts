// One database transaction on a pooled connection: commit if `run` resolves, roll back if it
// throws. Every subscription step (effects and checkpoint together) and every projection
// replay goes through here.
import type { Pool, PoolClient } from 'pg';

export type Isolation = 'read committed' | 'repeatable read';

export async function inTransaction<T>(
  pool: Pool,
  run: (client: PoolClient) => Promise<T>,
  isolation: Isolation = 'read committed',
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`begin isolation level ${isolation}`);
    const result = await run(client);
    await client.query('commit');
    return result;
  } catch (error) {
    // A connection whose rollback fails is in an unknown state: destroy it, never reuse it.
    await client.query('rollback').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error('rollback failed');
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
