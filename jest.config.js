// Three tiers, chosen by anchored file suffixes (never by substring):
// unit (no I/O), int (real Postgres/Redis), e2e (HTTP against a running app), docker (the
// compose stack that `npm run verify:docker` starts; skipped without it).
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }];
const common = {
  transform: { '^.+\\.(t|j)s$': swc },
  // A few dependencies ship ESM only; Node 20.19+ require()s them, jest needs them transformed.
  // p-limit and yocto-queue come nested in slonik's own node_modules.
  transformIgnorePatterns: [
    '/node_modules/(?!(node-pg-migrate|content-disposition|cookie|p-limit|yocto-queue'
      + '|slonik/node_modules/(p-limit|yocto-queue))/)',
  ],
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
};
// Tests against real servers get longer timeouts (see the file for why it is not testTimeout).
const io = { setupFilesAfterEnv: ['<rootDir>/shared/testing/jest.io-timeouts.ts'] };
module.exports = {
  globalSetup: '<rootDir>/shared/testing/jest.global-setup.ts',
  globalTeardown: '<rootDir>/shared/testing/jest.global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.test.ts'] },
    { ...common, ...io, displayName: 'int', testMatch: ['<rootDir>/**/*.int.test.ts'] },
    { ...common, ...io, displayName: 'e2e', testMatch: ['<rootDir>/**/*.e2e.test.ts'] },
    { ...common, ...io, displayName: 'docker', testMatch: ['<rootDir>/**/*.docker.test.ts'] },
  ],
};
