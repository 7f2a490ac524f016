// A Postgres for the test run from a container, when DATABASE_URL is unset and a Docker engine
// answers (docs/operations.md, "Tests"). Testcontainers starts TNG_TEST_POSTGRES_IMAGE (the
// official image unless set: machines that pull nothing pass a locally built one) and the
// run's global teardown stops it. Undefined, with the reason printed, when there is no engine
// or the container does not start: the caller then uses the embedded Postgres.
import { existsSync } from 'node:fs';

export const DEFAULT_TEST_POSTGRES_IMAGE = 'postgres:15-bookworm';
const STARTUP_TIMEOUT_MS = 120_000;

export type TestPostgresContainer = Readonly<{ url: string; stop(): Promise<void> }>;

export async function startTestPostgresContainer(
  log: (line: string) => void,
): Promise<TestPostgresContainer | undefined> {
  // Importing Testcontainers takes seconds: look for an engine's socket first.
  if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return undefined;
  const image = process.env.TNG_TEST_POSTGRES_IMAGE || DEFAULT_TEST_POSTGRES_IMAGE;
  try {
    const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    const container = await new GenericContainer(image)
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
      // Lets a caller find the container if this run dies before its teardown.
      .withLabels({ 'mini-tng.test-run': process.env.TNG_TEST_RUN_ID || 'npm-test' })
      .withExposedPorts(5432)
      // Over TCP only: the official image's first, initialising server listens on a socket.
      .withWaitStrategy(Wait.forSuccessfulCommand('pg_isready -h 127.0.0.1 -p 5432 -U postgres'))
      .withStartupTimeout(STARTUP_TIMEOUT_MS)
      .start();
    const url = `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
    log(`[tests] DATABASE_URL unset: using Postgres from a ${image} container (Testcontainers)`);
    return { url, stop: async () => { await container.stop(); } };
  } catch (error) {
    log(`[tests] no Postgres container (${image}): ${String(error).split('\n')[0]}`);
    return undefined;
  }
}
