// Checks that end-to-end suites share: problem+json replies with their stable code, bounded
// polling instead of sleeps, position tokens, a stream read back through the auditor's HTTP
// route, money sums in bigint, and the `tng` CLI run as a child process.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { call, type HttpTarget, type Reply, type User } from './api';
import type { TestApp } from './test-app';

const ROOT = path.resolve(__dirname, '../..');
export const CLI_TIMEOUT_MS = 60_000;
const AUDIT_PAGES_MAX = 1_000;
const POLL_INTERVAL_MS = 20;

/** Status, problem+json media type and stable code of an error reply, in one value. */
export function problemOf(reply: Reply): { status: number; type: string; code: unknown } {
  const type = (reply.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const code = typeof reply.body === 'object' && reply.body !== null ? reply.body.code : null;
  return { status: reply.status, type, code };
}

/** What `problemOf` should give for an error with `status` and `code`. */
export const aProblem = (status: number, code: string) => ({
  status,
  type: 'application/problem+json',
  code,
});

/** Polls `probe` until it returns a value other than undefined, or fails at the deadline. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Position tokens "<transactionId>.<globalPosition>" compared as the store orders them. */
export function comparePositionTokens(left: string, right: string): number {
  const [leftTx, leftGlobal] = left.split('.').map((part) => BigInt(part));
  const [rightTx, rightGlobal] = right.split('.').map((part) => BigInt(part));
  if (leftTx! !== rightTx!) return leftTx! < rightTx! ? -1 : 1;
  if (leftGlobal! === rightGlobal!) return 0;
  return leftGlobal! < rightGlobal! ? -1 : 1;
}

export function maxPositionToken(tokens: Iterable<string | null | undefined>): string {
  let max: string | undefined;
  for (const token of tokens) {
    if (!token) continue;
    if (max === undefined || comparePositionTokens(token, max) > 0) max = token;
  }
  if (max === undefined) throw new Error('no position token among the replies');
  return max;
}

export type AuditedEvent = {
  streamVersion: string;
  position: string;
  type: string;
  data: Record<string, unknown>;
};

/** Every event of a stream, page by page, as an auditor reads it over HTTP. */
export async function auditStream(
  app: HttpTarget,
  auditor: User,
  streamId: string,
): Promise<AuditedEvent[]> {
  const events: AuditedEvent[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < AUDIT_PAGES_MAX; pages += 1) {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const reply = await call(app, 'GET', `/v1/audit/streams/${streamId}?limit=100${query}`, {
      token: auditor.token,
    });
    if (reply.status !== 200) throw new Error(`audit ${streamId}: ${reply.status} ${reply.text}`);
    events.push(...(reply.body.items as AuditedEvent[]));
    cursor = reply.body.nextCursor;
    if (cursor === null) return events;
  }
  throw new Error(`audit ${streamId}: more than ${AUDIT_PAGES_MAX} pages`);
}

/** Balance of a wallet from its own events: credits minus debits, in bigint. */
export function balanceFromEvents(events: readonly AuditedEvent[]): bigint {
  let balance = 0n;
  for (const event of events) {
    if (event.type === 'WalletCredited') balance += BigInt(String(event.data.amountMinor));
    if (event.type === 'WalletDebited') balance -= BigInt(String(event.data.amountMinor));
  }
  return balance;
}

export const sumMinor = (amounts: Iterable<string | bigint>): bigint => {
  let total = 0n;
  for (const amount of amounts) total += BigInt(amount);
  return total;
};

/**
 * How many events of the ledger the app's database holds: every stream but the notifications
 * saga's (`notification-<mailId>`), whose outcome events it appends in the background, at
 * its own pace, for e-mails about earlier requests. Not the store's head position: that
 * hides events behind any transaction still open in the cluster, other test files' databases
 * included.
 */
export async function storedEventCount(app: TestApp): Promise<bigint> {
  const result = await app.server.runtime.pool.query<{ events: bigint }>(
    "select count(*) as events from events where stream_id not like 'notification-%'",
  );
  return BigInt(result.rows[0]!.events);
}

/**
 * Every event of a stream, read straight from the app's database: for single-process apps
 * whose tests have no auditor at hand. Same shape as `auditStream`'s.
 */
export async function storedStream(app: TestApp, streamId: string): Promise<AuditedEvent[]> {
  const result = await app.server.runtime.pool.query<{
    stream_version: string; global_position: string; type: string; data: Record<string, unknown>;
  }>(
    `select stream_version, global_position, type, data from events
      where stream_id = $1 order by stream_version`,
    [streamId],
  );
  return result.rows.map((row) => ({
    streamVersion: String(row.stream_version),
    position: String(row.global_position),
    type: row.type,
    data: row.data,
  }));
}

/** A wallet's events, as `storedStream` reads them. */
export const storedWalletEvents = (app: TestApp, walletId: string): Promise<AuditedEvent[]> =>
  storedStream(app, `wallet-${walletId}`);

/**
 * The money a wallet's events moved and the transfers they refused, one line each, in
 * order: "WalletCredited 500 <movementId>", "TransferRejected limit_exceeded <movementId>".
 * Other events (opened, holds placed or ended) are left out; assert on those separately.
 */
export function movementLines(events: readonly AuditedEvent[]): string[] {
  return events.flatMap((event) => {
    const { data } = event;
    if (event.type === 'WalletCredited' || event.type === 'WalletDebited') {
      return [`${event.type} ${String(data.amountMinor)} ${String(data.movementId)}`];
    }
    if (event.type === 'TransferRejected') {
      return [`${event.type} ${String(data.code)} ${String(data.movementId)}`];
    }
    return [];
  });
}

export type CliRun = { code: number; stdout: string; stderr: string };

/** Runs the real `tng` binary against `databaseUrl`, as an operator would. */
export function runTng(databaseUrl: string, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/tng.cjs', ...args],
      {
        cwd: ROOT,
        timeout: CLI_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
