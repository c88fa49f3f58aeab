#!/usr/bin/env node
// Thin launcher: the bundled build when present (fast start), the TypeScript sources otherwise.
// CommonJS on purpose (bin/package.json): `--version`, and `list`/`validate` of the built-in runbooks, are
// answered by dist/fast.cjs without starting Node's ES module loader (~5 ms of a ~60 ms start); everything
// else, and those commands whenever they need the validator, goes to the full CLI in dist/runbook.mjs.
// Nothing else is loaded here: every module is paid for by every command.
'use strict';

const FAST = new Set(['--version', '-V', 'list', 'validate']);

/** A missing file of our own means "not built"; any other failure to load is a real error. */
function isMissing(e, file) {
  return (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_MODULE_NOT_FOUND') && String(e.message).includes(file);
}

/**
 * dist/fast.cjs (or dist/run.cjs) with V8's code cache beside it (`.cache`, bin/train-code-cache.js): its functions are
 * deserialized, not compiled, at every start. Loaded as require would (the same wrapper), through vm.Script,
 * the one way Node 20 takes a code cache; without the cache (or with one V8 rejects) it is simply compiled.
 */
function loadCached(name, cache = `${name}.cache`) {
  const { readFileSync } = require('node:fs');
  const { join } = require('node:path');
  const file = join(__dirname, '..', 'dist', name);
  let source;
  // latin1: the build makes these files ASCII only (bin/bundle.mjs checks), and a one-byte read skips UTF-8
  // decoding of 2.4 MB (~1.5 ms of a cold run).
  try { source = readFileSync(file, 'latin1'); } catch (e) {
    if (e?.code === 'ENOENT') throw Object.assign(new Error(`Cannot find module ${file} (${name})`), { code: 'MODULE_NOT_FOUND' });
    throw e;
  }
  let cachedData;
  try { cachedData = readFileSync(join(file, '..', cache)); } catch { /* not built: compiled */ }
  const Module = require('node:module');
  const { Script } = require('node:vm');
  const script = new Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, join(file, '..'));
  return mod.exports;
}

/**
 * `run` and `resume` that cannot show the terminal UI (--plain, or stdin or stdout not a terminal: the UI then
 * falls back to plain itself, src/ui/index.ts) go to dist/run.cjs, the same CLI as one CommonJS file with its code
 * cache: the run path is deserialized, not compiled (issue #32). The terminal UI needs ink, an ES module, so
 * interactive runs go to dist/runbook.mjs.
 */
function plainRun(argv) {
  if (argv[2] !== 'run' && argv[2] !== 'resume') return false;
  const options = argv.slice(3, argv.includes('--') ? argv.indexOf('--') : undefined);
  return options.includes('--plain') || process.stdin.isTTY !== true || process.stdout.isTTY !== true;
}

/**
 * Which of run.cjs's two code caches to read (bin/train-code-cache.js). V8 deserializes the whole cache at every
 * start: the full one also holds what a database runbook runs (its validation, probes, pg), ~15 % more than a run of
 * shell steps needs. A local runbook whose text names no SQL, probe, call or connection takes the smaller one. Only a cost: a
 * function missing from the cache is compiled when first called, so a wrong guess is slower, never different.
 */
function runCache(argv) {
  const file = argv[2] === 'run' ? argv.slice(3).find((a) => /\.ya?ml$/.test(a)) : undefined;
  if (!file) return undefined;
  let text;
  try { text = require('node:fs').readFileSync(file, 'latin1'); } catch { return undefined; }
  return /^[\t -]*(?:sql|probe|call|connections)[\t ]*:/m.test(text) ? undefined : 'run.cjs.shell.cache';
}

/** Set by the run once its own handlers stop it cleanly (src/cli/prepare-run.ts). */
const TAKEN = Symbol.for('runbook.signals-taken');

/** `run` and `resume` take SIGHUP and SIGTERM from the first instant: loading the CLI takes a moment, and a stop
 *  in it must not kill the process with 129/143. Until the run has its own handlers nothing has acted, and no
 *  transcript exists or only its header does (resumable): exit 75, interrupted, as a stopped run does. */
function stopEarly(signal) {
  if (globalThis[TAKEN]) return;
  process.stderr.write(`runbook: interrupted by ${signal} before the run started; nothing ran\n`);
  process.exit(75);
}
if (process.argv[2] === 'run' || process.argv[2] === 'resume') {
  process.on('SIGHUP', stopEarly);
  process.on('SIGTERM', stopEarly);
}

async function main() {
  const fromSource = Boolean(process.env.RUNBOOK_FROM_SOURCE);
  if (!fromSource && FAST.has(process.argv[2])) {
    let fast;
    try { fast = loadCached('fast.cjs'); } catch (e) { if (!isMissing(e, 'fast.cjs')) throw e; }
    if (fast && await fast.fastMain(process.argv)) return;
  }
  if (!fromSource && plainRun(process.argv)) {
    let plain;
    try { plain = loadCached('run.cjs', runCache(process.argv)); } catch (e) { if (!isMissing(e, 'run.cjs')) throw e; }
    if (plain) return plain.main(process.argv);
  }
  let built;
  if (!fromSource) {
    try { built = await import('../dist/runbook.mjs'); } catch (e) { if (!isMissing(e, 'runbook.mjs')) throw e; }
  }
  if (built) return built.main(process.argv);
  const { register } = await import('tsx/esm/api');
  register();
  const { pathToFileURL } = require('node:url');
  const { main: fromTs } = await import(pathToFileURL(require('node:path').join(__dirname, '../src/cli/main.ts')).href);
  return fromTs(process.argv);
}

/**
 * A run that took the stop signals has closed its record when main returns: the process ends now, with its code.
 * Left to Node's own teardown, the signal handlers close a few milliseconds before the process is gone, and a
 * SIGTERM or SIGHUP then killed it by the signal (not 75, not its code) after its end was written
 * (test/cli/exit-signal.test.ts). Output is written synchronously by then (terminals and files are; the CLI makes
 * pipes blocking), so nothing printed is lost. Here, not in the CLI: bin/train-code-cache.js runs runs in-process.
 */
function ended() {
  if (globalThis[TAKEN]) process.exit(process.exitCode ?? 0);
}

main().then(ended, (e) => {
  process.stderr.write(`runbook: internal error: ${e?.stack ?? e}\n`);
  process.exitCode = 70;
  ended();
});
