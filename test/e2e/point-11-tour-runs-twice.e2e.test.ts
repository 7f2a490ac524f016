// Goal: the five-minute tour in README.md is true. The shell block under "A five-minute tour"
// is taken from README as it stands and run with bash against a real server, twice on the
// same data: both runs must succeed, the twice-sent transfer must move money once, and the
// read with the copied X-Ledger-Position must see the new balance.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

/** The first ```sh block after the tour's heading, exactly as a reader would paste it. */
function tourScript(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const tour = readme.slice(readme.indexOf('## A five-minute tour'));
  const block = /```sh\n([\s\S]*?)\n```/.exec(tour);
  if (!block) throw new Error('README has no sh block in "A five-minute tour"');
  return block[1]!;
}

async function runTour(app: TestApp): Promise<string> {
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', tourScript()], {
    cwd: ROOT,
    env: { ...process.env, B: app.url, DATABASE_URL: app.db.url, LOG_LEVEL: 'warn' },
    timeout: 90_000,
    maxBuffer: 4 * 1024 * 1024,
  });
  return stdout;
}

/** Every JSON object printed on a line of its own, in order. */
function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.stop());

describe('issue 8, point 11: a tour that runs twice and says what it needs', () => {
  test('the README tour runs twice on the same data and tells the truth both times', async () => {
    for (const round of [1, 2]) {
      const stdout = await runTour(app);
      const lines = jsonLines(stdout);
      const transfers = lines.filter((line) => 'transferId' in line);
      // Sent twice with one key: the same answer twice, one movement.
      expect(transfers).toHaveLength(2);
      expect(transfers[1]).toEqual(transfers[0]);
      expect(transfers[0]).toMatchObject({ status: 'completed', amount: '1050' });
      // The read that carried the copied X-Ledger-Position saw the transfer, exactly once.
      const amira = lines.find((line) => 'balance' in line);
      expect([round, amira]).toEqual([round, expect.objectContaining({ balance: '8950' })]);
      const history = lines.find((line) => 'items' in line) as { items: unknown[] };
      expect(history.items).toEqual([
        expect.objectContaining({ transactionId: transfers[0]!.transferId, amount: '1050' }),
      ]);
      expect(lines.find((line) => 'capturedAmount' in line)).toMatchObject({
        capturedAmount: '1500',
        releasedAmount: '500',
      });
      // The card top-up through the simulator: credited once, its receipt in the mailbox.
      const topUp = lines.find((line) => 'topUpId' in line && line.status === 'completed');
      expect(topUp).toMatchObject({ amount: '2500', currency: 'MYR', status: 'completed' });
      expect(stdout).toMatch(/bo\+\d+@example\.com: .*25\.00 MYR/);
      expect(lines.find((line) => 'totalOut' in line)).toMatchObject({ totalOut: '2550' });
      expect(stdout).toMatch(/audit verify: OK/);
    }
  }, 200_000);

  test('the quick start names the variables a reader needs', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## A five'));
    expect(quickStart).toContain('npm install && npm start');
    expect(quickStart).toContain('npm test');
    for (const name of ['PORT', 'DATA_DIR']) expect(quickStart).toContain(`\`${name}\``);
    expect(tourScript()).not.toContain('<position>');
  });
});
