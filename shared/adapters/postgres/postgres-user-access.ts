// Postgres refuses to run as root, so when tng runs as root the embedded server (initdb and
// postgres) runs as the `postgres` user, with that user's primary group only (Node drops
// supplementary groups when it switches user). That user must be able to enter every folder
// above DATA_DIR and above the binaries; a project under /root (mode 700) is the usual case
// where it cannot, and initdb would then fail with a stack trace. This check finds the first
// folder it cannot enter before anything starts, and says how to fix it in one line.
import { statSync } from 'node:fs';
import path from 'node:path';

export type Account = Readonly<{ uid: number; gid: number }>;
export type FolderMode = Readonly<{ uid: number; gid: number; mode: number }>;

const EXECUTE_OWNER = 0o100;
const EXECUTE_GROUP = 0o010;
const EXECUTE_OTHER = 0o001;

/** The folder itself and each of its parents, from the root down. */
export function foldersDownTo(folder: string): string[] {
  const folders: string[] = [];
  for (let current = path.resolve(folder); ; current = path.dirname(current)) {
    folders.unshift(current);
    if (path.dirname(current) === current) return folders;
  }
}

/** POSIX search permission: the owner's bits apply to the owner, even if they deny. */
export function canEnter(account: Account, folder: FolderMode): boolean {
  if (folder.uid === account.uid) return (folder.mode & EXECUTE_OWNER) !== 0;
  if (folder.gid === account.gid) return (folder.mode & EXECUTE_GROUP) !== 0;
  return (folder.mode & EXECUTE_OTHER) !== 0;
}

/** The first folder on the way to `target` the account cannot enter, if any. */
export function firstUnreachableFolder(
  account: Account,
  target: string,
  stat: (folder: string) => FolderMode | undefined = statFolder,
): string | undefined {
  for (const folder of foldersDownTo(target)) {
    const mode = stat(folder);
    // A folder that does not exist yet is created by us (as root) with mode 755 below.
    if (mode === undefined) return undefined;
    if (!canEnter(account, mode)) return folder;
  }
  return undefined;
}

export class PostgresUserCannotReach extends Error {
  override readonly name = 'PostgresUserCannotReach';
}

/**
 * Throws a one-line explanation when the `postgres` account cannot reach the data folder or
 * the binaries. `binDir` under an unreachable folder cannot be fixed by DATA_DIR.
 */
export function assertPostgresUserCanReach(
  account: Account,
  places: Readonly<{ dataDir: string; binDir: string }>,
  stat: (folder: string) => FolderMode | undefined = statFolder,
): void {
  const binaries = firstUnreachableFolder(account, places.binDir, stat);
  if (binaries !== undefined) {
    throw new PostgresUserCannotReach(
      `running as root, the embedded Postgres runs as the postgres user, which cannot enter ` +
        `${binaries} (it holds the Postgres binaries in node_modules): run tng as a non-root ` +
        `user, move the project out of ${binaries}, or set DATABASE_URL to your own Postgres`,
    );
  }
  const data = firstUnreachableFolder(account, places.dataDir, stat);
  if (data !== undefined) {
    throw new PostgresUserCannotReach(
      `running as root, the embedded Postgres runs as the postgres user, which cannot enter ` +
        `${data}: set DATA_DIR to a folder it can reach (e.g. DATA_DIR=/var/lib/tng), or run ` +
        `tng as a non-root user`,
    );
  }
}

function statFolder(folder: string): FolderMode | undefined {
  try {
    const stats = statSync(folder);
    return { uid: stats.uid, gid: stats.gid, mode: stats.mode };
  } catch {
    return undefined;
  }
}
