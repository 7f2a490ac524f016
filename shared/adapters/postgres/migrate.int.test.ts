// Migrations: the template is migrated once per run; migrating again applies nothing, and
// the pending list is empty.
import { createTestPool } from '../../testing/test-pool';
import { createFreshDatabase, type FreshDatabase } from '../../testing/fresh-database';
import { migrate, pendingMigrations, shippedMigrations } from './migrate';

let db: FreshDatabase;
beforeAll(async () => { db = await createFreshDatabase(); });
afterAll(() => db.drop());

test('a migrated database has nothing pending and a re-run applies nothing', async () => {
  const pool = createTestPool({ connectionString: db.url });
  try {
    expect(await pendingMigrations((sql) => pool.query(sql))).toEqual([]);
    expect(await migrate(db.url)).toEqual([]);
    expect(shippedMigrations().length).toBeGreaterThan(0);
  } finally {
    await pool.end();
  }
});
