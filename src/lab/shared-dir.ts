// A test suite starts dozens of processes that each want the same lab templates
// (initdb, mariadb-install-db: seconds of CPU each). When RUNBOOK_LAB_SHARED_DIR names
// a directory (test/run.mjs makes one per suite run and deletes it after), the first
// process to build a template publishes it there and the others copy from it. The
// templates bake in the lab credentials, so those are shared the same way.
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const WAIT_FOR_BUILDER_MS = 180_000;

/** The suite's shared dir, when this process may use it: it must belong to the user this process runs as
 *  (a test that runs the CLI as another user, e.g. `runbook demo` as nobody, builds its own templates). */
export function sharedLabDir(): string | undefined {
  const dir = process.env.RUNBOOK_LAB_SHARED_DIR;
  if (!dir) return undefined;
  try {
    return statSync(dir).uid === process.getuid?.() ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The value stored under `name` by the first process, or `make()`'s, stored for the others. */
export function sharedJson<T>(name: string, make: () => T): T {
  const dir = sharedLabDir();
  if (!dir) return make();
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(make()), { mode: 0o600 });
    try {
      linkSync(tmp, file); // atomic, and fails if another process stored first
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/**
 * The template directory `name`: published by whichever process builds it first.
 * `build` makes it in this process's own lab root and returns its path; the path of
 * the data inside it is kept relative, so `dataIn(dir)` finds it wherever it ends up.
 */
export async function sharedTemplate(name: string, build: () => Promise<string>, dataIn: (dir: string) => string): Promise<string> {
  const dir = sharedLabDir();
  if (!dir) return dataIn(await build());
  const published = join(dir, name);
  if (takeLock(join(dir, `${name}.lock`))) return dataIn(await buildAndPublish(build, published));
  if (await waitFor(published, join(dir, `${name}.failed`))) return dataIn(published);
  return dataIn(await build()); // the builder died or failed: build our own, and see its error ourselves
}

function takeLock(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch {
    return false;
  }
}

async function buildAndPublish(build: () => Promise<string>, published: string): Promise<string> {
  let local: string;
  try {
    local = await build();
  } catch (e) {
    writeFileSync(`${published}.failed`, String(e));
    throw e;
  }
  try {
    renameSync(local, published); // same file system: the lab root and the shared dir are both in tmpdir
    return published;
  } catch {
    return local;
  }
}

async function waitFor(published: string, failed: string): Promise<boolean> {
  const until = Date.now() + WAIT_FOR_BUILDER_MS;
  while (Date.now() < until) {
    if (existsSync(published)) return true;
    if (existsSync(failed)) return false;
    await sleep(100);
  }
  return false;
}
