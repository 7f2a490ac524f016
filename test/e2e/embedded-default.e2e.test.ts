// Goal: the embedded default works end to end as a newcomer runs it. `tng serve` in a child
// process with no DATABASE_URL, REDIS_URL or JWT_SECRET starts its own Postgres in a fresh
// DATA_DIR; the operator CLI, run beside it with the same DATA_DIR, attaches to that Postgres
// to grant the first admin; money moves over HTTP; SIGINT stops the server with exit code 0
// and takes its Postgres down with it; a restart on the same DATA_DIR still has the transfer
// and accepts the old login (the generated JWT secret persisted). Slow (initdb, two starts),
// so it is one file with steps in order; afterAll kills whatever is left, even on failure.
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../support/processes';

const ROOT = path.resolve(__dirname, '../..');
const READY_WAIT_MS_MAX = 60_000;
const EXIT_WAIT_MS_MAX = 15_000;
const CLI_TIMEOUT_MS = 60_000;
const POLL_MS = 250;
const OUTPUT_CHARS_MAX = 20_000;
const PASSWORD = 'correct horse battery staple';

jest.setTimeout(4 * READY_WAIT_MS_MAX);

type Reply = { status: number; headers: Headers; body: Record<string, unknown> };
type Server = { child: ChildProcess; url: string; output: () => string };
type Login = { email: string; token: string };

const dataDir = mkdtempSync(path.join(tmpdir(), 'tng-e2e-embedded-'));
let server: Server | undefined;

/** The environment of a newcomer: nothing but DATA_DIR and PORT configured. */
function childEnv(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port) };
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'NODE_ENV']) delete env[name];
  env.LOG_LEVEL = 'warn';
  return env;
}


/** Pids of processes whose command line names this test's DATA_DIR (its Postgres). */
function postgresPids(): number[] {
  const listing = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return listing.split('\n')
    .filter((line) => line.includes(dataDir))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startServer(port: number): Promise<Server> {
  // Its own process group, so that afterAll can take it and its Postgres down together.
  const child = spawn(process.execPath, ['bin/tng.cjs', 'serve'], {
    cwd: ROOT, env: childEnv(port), detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_CHARS_MAX);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const started = { child, url: `http://127.0.0.1:${port}`, output: () => output };
  server = started;
  await waitUntilReady(started);
  return started;
}

async function waitUntilReady(target: Server): Promise<void> {
  const deadline = Date.now() + READY_WAIT_MS_MAX;
  while (Date.now() < deadline) {
    if (target.child.exitCode !== null) {
      throw new Error(`tng serve exited early (${target.child.exitCode}):\n${target.output()}`);
    }
    const ready = await fetch(`${target.url}/health/ready`).catch(() => null);
    if (ready?.status === 200) return;
    await sleep(POLL_MS);
  }
  throw new Error(`tng serve was not ready within ${READY_WAIT_MS_MAX} ms:\n${target.output()}`);
}

/** SIGINT, as Ctrl-C sends it; resolves with the exit code, or null if it did not exit. */
function interrupt(target: Server): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), EXIT_WAIT_MS_MAX);
    target.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    target.child.kill('SIGINT');
  });
}

function tng(port: number, ...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/tng.cjs', ...args], {
      cwd: ROOT, env: childEnv(port), timeout: CLI_TIMEOUT_MS,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}

async function call(
  method: string,
  route: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const response = await fetch(`${server!.url}${route}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

async function logIn(email: string): Promise<Login> {
  const login = await call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
  expect(login.status).toBe(200);
  return { email, token: String(login.body.accessToken) };
}

async function signUp(name: string): Promise<Login> {
  const email = `${name}-${randomUUID().slice(0, 8)}@example.com`;
  const registered = await call('POST', '/v1/auth/register', {
    body: { email, password: PASSWORD, name },
  });
  expect(registered.status).toBe(201);
  return logIn(email);
}

async function openWallet(user: Login): Promise<string> {
  const opened = await call('POST', '/v1/wallets', { token: user.token, body: { currency: 'MYR' } });
  expect(opened.status).toBe(201);
  return String(opened.body.walletId);
}

afterAll(async () => {
  const child = server?.child;
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL'); // The group: tng serve and the Postgres it spawned.
    } catch {
      // Already gone.
    }
  }
  for (const pid of postgresPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded default, from a fresh DATA_DIR', () => {
  let port: number;
  let admin: Login;
  let sender: Login;
  const moved: { transferId?: string; source?: string; target?: string; position?: string } = {};

  test('tng serve starts its own Postgres and becomes ready', async () => {
    port = await freePort();
    await startServer(port);
    expect(postgresPids().length).toBeGreaterThan(0);
  });

  test('the CLI attaches to the running Postgres and grants the first admin', async () => {
    const operator = await signUp('operator');
    const granted = await tng(port, 'users', 'grant-role', operator.email, 'admin');
    expect(granted).toEqual(expect.objectContaining({ code: 0 }));
    admin = await logIn(operator.email); // The new role is in the next token.
    const denied = await call('POST', '/v1/admin/wallets/w-none/adjustments', {
      token: operator.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: '1', currency: 'MYR', direction: 'credit', reason: 'probe' },
    });
    expect(denied.status).toBe(403); // The old token has no admin role.
  });

  test('money moves: a funded wallet transfers to another user', async () => {
    sender = await signUp('sender');
    const receiver = await signUp('receiver');
    moved.source = await openWallet(sender);
    moved.target = await openWallet(receiver);
    const funded = await call('POST', `/v1/admin/wallets/${moved.source}/adjustments`, {
      token: admin.token,
      headers: { 'idempotency-key': randomUUID() },
      body: { amount: '10000', currency: 'MYR', direction: 'credit', reason: 'test funding' },
    });
    expect(funded.status).toBe(201);
    const sent = await call('POST', '/v1/transfers', {
      token: sender.token,
      headers: { 'idempotency-key': randomUUID() },
      body: {
        sourceWalletId: moved.source, targetWalletId: moved.target, amount: '2550',
        currency: 'MYR', note: 'teh tarik',
      },
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ status: 'completed', amount: '2550' });
    moved.transferId = String(sent.body.transferId);
    moved.position = sent.headers.get('x-ledger-position')!;
  });

  test('SIGINT stops the server with exit code 0 and its Postgres with it', async () => {
    const stopped = server!;
    const code = await interrupt(stopped);
    expect({ code, output: code === 0 ? '' : stopped.output() }).toEqual({ code: 0, output: '' });
    expect(postgresPids()).toEqual([]);
  });

  test('a restart on the same DATA_DIR has the transfer, for the same login', async () => {
    await startServer(port);
    const fresh = { 'x-min-position': moved.position! };
    const transfer = await call('GET', `/v1/transfers/${moved.transferId}`, {
      token: sender.token, headers: fresh,
    });
    expect(transfer.status).toBe(200);
    expect(transfer.body).toMatchObject({
      status: 'completed', sourceWalletId: moved.source, targetWalletId: moved.target,
      amount: '2550',
    });
    const wallet = await call('GET', `/v1/wallets/${moved.source}`, {
      token: sender.token, headers: fresh,
    });
    expect(wallet.body).toMatchObject({ balance: '7450', available: '7450', held: '0' });
    const stopped = server!;
    const code = await interrupt(stopped);
    expect({ code, output: code === 0 ? '' : stopped.output() }).toEqual({ code: 0, output: '' });
  });
});
