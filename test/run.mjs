#!/usr/bin/env node
// `npm test`: every test file, with the lab's server templates built once per suite run
// and shared by all test processes (src/lab/shared-dir.ts), and the suite's own time at
// the end. `npm run test:quick [-- DIR…]`: only the in-process test files (no server, no
// CLI run, no tmux) under DIR (default: all of test/), for the inner loop.
// The test files are compiled once per run (test/loader/compile.mjs), not by tsx in every
// test process; the files that took longest last time start first.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledName, compileTests } from './loader/compile.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Each file's time in the last run here (test/loader/times-reporter.mjs); else the committed estimate. */
const TIMES = join(ROOT, 'node_modules', '.cache', 'runbook', 'test-times.json');
const ESTIMATED_TIMES = join(ROOT, 'test', 'loader', 'estimated-times.json');

const args = process.argv.slice(2);
const quick = args[0] === '--quick';
const roots = (quick ? args.slice(1) : args).filter((a) => !a.startsWith('-'));
const started = Date.now();

/** What makes a test file slow: it starts servers, the CLI, tmux or other processes. */
const SLOW = /src\/lab|\btmux\b|child_process|\bspawn\(|\bexecFile|dist\/|\b(cli|runCli)\(/;
/** What makes a helper it imports slow: it starts servers. */
const SLOW_HELPER = /src\/lab/;

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return /\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** A test file is slow when it matches SLOW, or a test helper it imports (at any depth) SLOW_HELPER. */
function isSlow(file, seen = new Set()) {
  if (seen.has(file)) return false;
  const text = readFileSync(file, 'utf8');
  if ((seen.size === 0 ? SLOW : SLOW_HELPER).test(text)) return true;
  seen.add(file);
  const helpers = [...text.matchAll(/from '(\.[^']+)'/g)].map((m) => resolve(dirname(file), m[1]).replace(/\.js$/, ''))
    .flatMap((base) => [`${base}.ts`, `${base}.tsx`]).filter((f) => f.includes('/test/') && existsSync(f));
  return helpers.some((f) => isSlow(f, seen));
}

/** Longest first: a few at a time, a long file started last would run alone at the end. Unknown files count as long. */
function longestFirst(list) {
  const read = (file) => { try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return {}; } };
  const times = { ...read(ESTIMATED_TIMES), ...read(TIMES) };
  const time = (f) => times[relative(ROOT, resolve(f))] ?? Infinity;
  return [...list].sort((a, b) => time(b) - time(a) || a.localeCompare(b));
}

const all = (roots.length ? roots : ['test']).flatMap((r) => (statSync(r).isDirectory() ? testFiles(r) : [r])).sort();
const files = longestFirst(quick ? all.filter((f) => !isSlow(resolve(f))) : all);
if (files.length === 0) {
  console.error(`test/run.mjs: no ${quick ? 'in-process ' : ''}test files under ${roots.join(' ') || 'test'}`);
  process.exit(2);
}

/** The lab's servers on a tmpfs when there is one with room (RUNBOOK_LAB_TMPDIR=dir chooses, '' turns it off):
 *  copying and deleting their data directories on this machine's ext4 cost more kernel time than the servers'
 *  own work (docs/performance.md). Only the lab: the tests' scratch files stay in the temp dir, which the dry-run
 *  sandbox hides and binds back as the operator's would be. Sticky and open like /tmp: servers and tests run as
 *  other users too. */
function labTmpfs() {
  if (process.env.RUNBOOK_LAB_TMPDIR !== undefined) return undefined;
  const TMPFS_MAGIC = 0x01021994;
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.type !== TMPFS_MAGIC || fs.bavail * fs.bsize < 4 * 2 ** 30) return undefined;
    const dir = mkdtempSync('/dev/shm/runbook-test-lab-');
    chmodSync(dir, 0o1777);
    // The lab may copy server binaries here: a tmpfs mounted noexec will not do.
    const probe = join(dir, 'exec-probe');
    writeFileSync(probe, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    if (spawnSync(probe).status === 0) { rmSync(probe); return dir; }
    rmSync(dir, { recursive: true, force: true });
  } catch { /* no usable tmpfs: the temp dir */ }
  return undefined;
}
const labTmp = labTmpfs();
const shared = mkdtempSync(join(labTmp || process.env.RUNBOOK_LAB_TMPDIR || tmpdir(), 'runbook-lab-shared-'));
chmodSync(shared, 0o755); // servers run as another user and must reach the templates
// Under root: the bundles import packages from root/node_modules.
mkdirSync(join(ROOT, 'node_modules', '.cache', 'runbook'), { recursive: true });
const compiled = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'runbook', 'test-js-'));
const compileStarted = Date.now();
const sources = files.map((f) => relative(ROOT, resolve(f)));
await compileTests(ROOT, compiled, sources).catch((e) => {
  for (const dir of [shared, compiled, labTmp]) if (dir) rmSync(dir, { recursive: true, force: true });
  console.error(`test/run.mjs: cannot compile the test files: ${e.message}`);
  process.exit(2);
});
console.log(`test/run.mjs: ${files.length} test files compiled in ${((Date.now() - compileStarted) / 1000).toFixed(1)} s`);
const FAILURES = join(shared, 'failures.txt');
const env = { ...process.env, ...(labTmp ? { RUNBOOK_LAB_TMPDIR: labTmp } : {}), RUNBOOK_LAB_SHARED_DIR: shared, RUNBOOK_TEST_JS: compiled, RUNBOOK_TEST_TIMES: TIMES, RUNBOOK_TEST_FAILURES: FAILURES };
// At shell level 1 (SHLVL unset or 0 here) a bash whose stdin is a socket, as Node's pipes are, sources ~/.bashrc:
// every oracle's bash then ran the account's rc (pyenv init: 3 s a bash on a loaded machine). The engine sets it
// for its own steps (executors/shell.ts); the tests' own bash get it here.
env.SHLVL = String(Math.max(1, Number(process.env.SHLVL) || 0));
delete env.CI; // the tests decide their own budgets; CI=true changes nothing they check
delete env.CONTINUOUS_INTEGRATION;

// The reporter the terminal gets by default (spec on a terminal, TAP on a pipe), and the file times beside it.
const reporters = [`--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`, '--test-reporter-destination=stdout',
  `--test-reporter=${join(ROOT, 'test', 'loader', 'times-reporter.mjs')}`, '--test-reporter-destination=/dev/null',
  `--test-reporter=${join(ROOT, 'test', 'loader', 'failures-reporter.mjs')}`, '--test-reporter-destination=/dev/null'];
// Three test files at a time on this 2-core machine: many tests wait (timeouts, servers, proxies), so a third file
// fills the idle core (451 s at two, 374 s at three, near idle: docs/performance.md). RUNBOOK_TEST_CONCURRENCY=n.
const concurrency = Number(process.env.RUNBOOK_TEST_CONCURRENCY) > 0 ? Number(process.env.RUNBOOK_TEST_CONCURRENCY) : 3;
// A file's own limit: its tests bound themselves (test/helpers/limits.ts, 300 s each); a generated file whose
// parts each pass took 124 s here and over 300 s on a loaded CI machine, where it failed on the file's clock alone.
const FILE_LIMIT_MS = 600_000;
const child = spawn(process.execPath, ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${FILE_LIMIT_MS}`, ...reporters,
  ...sources.map((f) => join(compiled, compiledName(f)))], {
  stdio: 'inherit',
  env,
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  // Last, so that a log cut to its tail still names every failed test.
  const failures = existsSync(FAILURES) ? readFileSync(FAILURES, 'utf8') : '';
  if (failures) console.log(`\nfailed tests:\n${failures}`);
  rmSync(shared, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  if (labTmp) rmSync(labTmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  rmSync(compiled, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`\nsuite: ${files.length} test files in ${seconds} s${quick ? ' (quick: in-process files only)' : ''}`);
  process.exit(code ?? (signal ? 1 : 0));
});
