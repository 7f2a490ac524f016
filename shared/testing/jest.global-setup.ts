// Once per `npm test`: find a Postgres (DATABASE_URL; else a Testcontainers one when a Docker
// engine answers; else an embedded one in a temporary folder, so the suite needs no installs),
// build a migrated template database that each test file clones, and check whether Redis
// answers (tests that need it skip and say why if not).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrate } from '../adapters/postgres/migrate';
import { startEmbeddedPostgres } from '../adapters/postgres/embedded-postgres';
import { databaseUrl } from './test-env';
import { startTestPostgresContainer } from './test-postgres-container';

export default async function globalSetup(): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!adminUrl) {
    const container = await startTestPostgresContainer((line) => process.stderr.write(`\n${line}\n`));
    if (container) {
      (globalThis as { __tngContainer?: unknown }).__tngContainer = container;
      adminUrl = container.url;
    }
  }
  if (!adminUrl) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tng-test-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir, log: () => {} });
    (globalThis as { __tngEmbedded?: unknown }).__tngEmbedded = embedded;
    adminUrl = embedded.url;
    process.stderr.write(`\n[tests] DATABASE_URL unset: using embedded Postgres in ${dataDir}\n`);
  }
  const template = `tng_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${template}`);
  } finally {
    await admin.end();
  }
  await migrate(databaseUrl(adminUrl, template));
  process.env.TNG_TEST_ADMIN_URL = adminUrl;
  process.env.TNG_TEST_TEMPLATE_DB = template;
  await probeRedis();
}

async function probeRedis(): Promise<void> {
  const redisUrl = process.env.TEST_REDIS_URL || process.env.REDIS_URL;
  if (!redisUrl) {
    process.env.TNG_TEST_REDIS_SKIP = 'REDIS_URL is not set';
    process.stderr.write('[tests] REDIS_URL unset: Redis adapter tests will skip\n');
    return;
  }
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    await redis.ping();
    process.env.TNG_TEST_REDIS_URL = redisUrl;
  } catch (error) {
    // In CI a Redis that was asked for must answer: a skipped suite there would hide a loss.
    if (process.env.CI === 'true') throw new Error(`CI: Redis at ${redisUrl} did not answer`);
    process.env.TNG_TEST_REDIS_SKIP = `Redis at ${redisUrl} did not answer: ${String(error)}`;
    process.stderr.write(`[tests] ${process.env.TNG_TEST_REDIS_SKIP}\n`);
  } finally {
    redis.disconnect();
  }
}
