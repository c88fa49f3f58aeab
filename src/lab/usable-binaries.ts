// The server runs as an unprivileged account when we are root. Binaries from npm live inside this checkout,
// which may sit in a directory that account cannot enter (a private 0700 parent): then the installation is
// copied, once per process, to a temp directory it can read.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { findNpmPostgresBinaries, findPostgresBinaries, type PostgresBinaries } from './binaries.js';
import type { PostgresVersion } from './types.js';
import { trackDir } from './exit-hooks.js';
import { labTmpdir } from './lab-root.js';
import { serverUser, type OsUser } from './run-as.js';
import { labEnv } from '../secrets/credential-env.js';

const cached = new Map<PostgresVersion, PostgresBinaries>();

export function postgresBinaries(version: PostgresVersion = 'system'): PostgresBinaries {
  let bins = cached.get(version);
  if (!bins) {
    bins = usableBy(version === 'system' ? findPostgresBinaries() : findNpmPostgresBinaries(version), serverUser('postgres'));
    cached.set(version, bins);
  }
  return bins;
}

function usableBy(bins: PostgresBinaries, user: OsUser | undefined): PostgresBinaries {
  if (!user || canRun(bins.postgres, user)) return bins;
  const install = dirname(dirname(bins.postgres)); // …/native (bin, lib, share)
  const copy = join(mkdtempSync(join(labTmpdir(), 'runbook-lab-pg-')), basename(install));
  cpSync(install, copy, { recursive: true, verbatimSymlinks: true });
  openUp(dirname(copy));
  trackDir(dirname(copy)); // removed when the process exits
  return { initdb: join(copy, 'bin', basename(bins.initdb)), postgres: join(copy, 'bin', basename(bins.postgres)) };
}

function canRun(file: string, user: OsUser): boolean {
  return spawnSync(file, ['--version'], { uid: user.uid, gid: user.gid, stdio: 'ignore', env: labEnv() }).status === 0;
}

/** Directories 0755 so the server's account can enter them (files keep their modes). */
function openUp(dir: string): void {
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (existsSync(path) && statSync(path).isDirectory()) openUp(path);
  }
}
