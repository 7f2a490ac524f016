// Creating the embedded cluster: initdb into DATA_DIR/postgres with the superuser's password
// from a private file, UTF-8 and the C locale (byte order, the same on every machine). When we
// are root, Postgres runs as the `postgres` account, created here if the system has none.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Account } from './postgres-user-access';

const run = promisify(execFile);
const ACCOUNT = 'postgres';
const OUTPUT_TAIL_CHARS = 2_000;

/** The account Postgres runs as: undefined (ourselves) unless we are root. */
export async function postgresAccount(): Promise<Account | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const found = await lookUp(ACCOUNT);
  if (found) return found;
  await run('groupadd', ['--system', ACCOUNT]);
  await run('useradd', ['--system', '-g', ACCOUNT, '--no-create-home', ACCOUNT]);
  const created = await lookUp(ACCOUNT);
  if (!created) throw new Error(`could not create the ${ACCOUNT} account to run Postgres as`);
  return created;
}

async function lookUp(name: string): Promise<Account | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      run('id', ['-u', name]).then(({ stdout }) => Number.parseInt(stdout, 10)),
      run('id', ['-g', name]).then(({ stdout }) => Number.parseInt(stdout, 10)),
    ]);
    return { uid, gid };
  } catch {
    return undefined;
  }
}

export async function initialiseCluster(options: Readonly<{
  initdbBin: string;
  pgDir: string;
  password: string;
  account: Account | undefined;
}>): Promise<void> {
  const { pgDir, account } = options;
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(tmpdir(), `tng-pg-password-${randomBytes(6).toString('hex')}`);
  writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (account) {
    chownSync(pgDir, account.uid, account.gid);
    chownSync(passwordFile, account.uid, account.gid);
  }
  try {
    await runInitdb(options.initdbBin, [
      `--pgdata=${pgDir}`,
      '--auth=scram-sha-256',
      `--username=${ACCOUNT}`,
      `--pwfile=${passwordFile}`,
      '--encoding=UTF8',
      '--locale=C',
    ], account);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

function runInitdb(bin: string, args: string[], account: Account | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...account });
    const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-16_000));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const tail = output.slice(-OUTPUT_TAIL_CHARS).trim().replace(/\n+/g, ' | ');
      reject(new Error(`initdb failed (${signal ?? `exit ${code}`}): ${tail}`));
    });
  });
}
