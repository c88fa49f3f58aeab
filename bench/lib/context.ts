// What every figure gets: where the repository is, how many rounds to run, a scratch folder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The CLI measured: this checkout's, or another build's launcher (BENCH_BIN=/other/checkout/bin/runbook.js). */
export const BIN = process.env.BENCH_BIN ?? join(ROOT, 'bin', 'runbook.js');
export const NODE = process.execPath;
/** node's arguments that start the CLI as its program does: the node flags of BIN's shebang, if it gives any
 *  (`#!/usr/bin/env -S node --flag`; none today), with BIN. A start without them would measure another heap and,
 *  if the code caches were made under them, compile what the program's start deserializes. */
export const LAUNCH: string[] = [...readFileSync(BIN, 'utf8').split('\n', 1)[0]!.split(/\s+/).filter((a) => a.startsWith('--')), BIN];

export interface BenchContext {
  /** Repetitions for the cheap figures (process start); the expensive ones scale it down. */
  rounds: number;
  /** A folder for generated runbooks and transcripts, on the same disk as the repository (fsync is real there). */
  scratch: string;
  log(message: string): void;
}

export function makeScratch(): { dir: string; remove(): void } {
  // Not os.tmpdir(): if /tmp is a tmpfs, fsync would cost nothing there and the transcript figure would lie.
  const base = process.env.BENCH_SCRATCH ?? join(ROOT, 'bench');
  const dir = mkdtempSync(join(base, '.scratch-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The environment every child runs with: no colour, no debug output, fixed locale. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', LC_ALL: 'C', ...extra };
  delete env.RUNBOOK_DEBUG;
  delete env.RUNBOOK_FROM_SOURCE;
  delete env.NODE_OPTIONS; // `npm run bench` runs us under tsx; the children must start bare
  return env;
}
