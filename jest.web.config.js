// The browser suite (`npm run test:web`, run by .ci/run after `npm test`): Playwright driving
// Debian's Chromium against a fresh app, in files named *.web.test.ts, which the main
// configuration (jest.config.js) never matches. It shares the main run's database set-up.
const main = require('./jest.config.js');
const e2e = main.projects.find((project) => project.displayName === 'e2e');

module.exports = {
  globalSetup: main.globalSetup,
  globalTeardown: main.globalTeardown,
  testTimeout: 180_000,
  projects: [{ ...e2e, setupFilesAfterEnv: [], displayName: 'web',
    testMatch: ['<rootDir>/test/web/**/*.web.test.ts'] }],
};
