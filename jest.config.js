// Three tiers, chosen by anchored file suffixes (never by substring):
// unit (no I/O), int (real Postgres/Redis), e2e (HTTP against a running app).
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }];
const common = {
  transform: { '^.+\\.(t|j)s$': swc },
  // A few dependencies ship ESM only; Node 20.19+ require()s them, jest needs them transformed.
  transformIgnorePatterns: ['/node_modules/(?!(node-pg-migrate|content-disposition|cookie)/)'],
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.data/'],
};
module.exports = {
  globalSetup: '<rootDir>/shared/testing/jest.global-setup.ts',
  globalTeardown: '<rootDir>/shared/testing/jest.global-teardown.ts',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.test.ts'] },
    // Real servers on 2 shared cores: give I/O-bound tests room before jest calls them hung.
    { ...common, displayName: 'int', testMatch: ['<rootDir>/**/*.int.test.ts'], testTimeout: 30_000 },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/**/*.e2e.test.ts'], testTimeout: 60_000 },
  ],
};
