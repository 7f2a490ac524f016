// An append that carries credentials (a password hash, kept out of the event log): the append
// function and the credentials upsert run in one explicit transaction on one connection, so
// the hash is stored exactly when the events are, and a refused append (an e-mail taken, a
// stale version) stores nothing. Such appends are rare (registrations, password changes), so
// they skip group commit instead of widening tng_append_batch: the function is the same one,
// called with a batch of one, inside a transaction rather than as one of its own.
import type { Pool, PoolClient } from 'pg';
import { assert } from '../../errors/assert';
import type { AppendResult, CredentialRecord } from '../../ports/event-store.port';
import type { Settled } from './group-commit';
import { appendBatch, type AppendBatchOptions } from './postgres.append-batch';
import type { PreparedAppend } from './postgres.append-batch.params';

// The newest hash wins: a password change replaces the registration's.
const UPSERT_CREDENTIALS_SQL = `insert into credentials (user_id, password_hash, updated_at)
  select c.user_id, c.password_hash, now()
    from unnest($1::text[], $2::text[]) as c(user_id, password_hash)
  on conflict (user_id) do update
    set password_hash = excluded.password_hash, updated_at = excluded.updated_at`;

export async function appendWithCredentials(
  pool: Pool,
  batch: readonly PreparedAppend[],
  options: AppendBatchOptions,
): Promise<Array<Settled<AppendResult>>> {
  const [prepared] = batch;
  assert(batch.length === 1 && prepared !== undefined, 'an append with credentials goes alone');
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('begin');
    const outcomes = await appendBatch(client, batch, options);
    const [outcome] = outcomes;
    // Written: events are new (a retry of a stored append has no position and writes none).
    if (outcome?.ok && outcome.value.position !== null) {
      await upsertCredentials(client, prepared.request.credentials ?? []);
    }
    await client.query('commit');
    return outcomes;
  } catch (error) {
    broken = !(await rolledBack(client));
    throw error;
  } finally {
    // A connection that could not roll back is in an unknown state: the pool drops it.
    client.release(broken);
  }
}

async function upsertCredentials(
  client: PoolClient,
  credentials: readonly CredentialRecord[],
): Promise<void> {
  await client.query(UPSERT_CREDENTIALS_SQL, [
    credentials.map((credential) => credential.userId),
    credentials.map((credential) => credential.passwordHash),
  ]);
}

async function rolledBack(client: PoolClient): Promise<boolean> {
  try {
    await client.query('rollback');
    return true;
  } catch {
    return false;
  }
}
