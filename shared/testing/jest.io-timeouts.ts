// Real servers on 2 shared cores: give I/O-bound tests and hooks room before jest calls them
// hung. Jest reads `testTimeout` only from the root configuration (a project's own value is
// ignored), so the int and e2e projects set theirs here, by the tier of the running file.
const testPath = expect.getState().testPath ?? '';
jest.setTimeout(testPath.endsWith('.e2e.test.ts') ? 60_000 : 30_000);
