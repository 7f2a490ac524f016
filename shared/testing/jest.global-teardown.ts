// Drops this run's template and any test database a crashed file left behind, then stops
// the embedded Postgres or the Postgres container if globalSetup started one.
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.TNG_TEST_ADMIN_URL;
  const template = process.env.TNG_TEST_TEMPLATE_DB;
  if (adminUrl && template) {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${template} with (force)`);
    } finally {
      await admin.end();
    }
  }
  const embedded = (globalThis as { __tngEmbedded?: { stop(): Promise<void> } }).__tngEmbedded;
  if (embedded) await embedded.stop();
  const container = (globalThis as { __tngContainer?: { stop(): Promise<void> } }).__tngContainer;
  if (container) await container.stop();
}
