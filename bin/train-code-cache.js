// Makes V8's code caches for the CommonJS files of dist/ that start every fast command (bin/bundle.mjs runs this
// in a child process): dist/fast.cjs (the launcher's fast path), dist/validator.cjs (the validator, which the
// fast path loads for a local runbook), dist/run.cjs (run and resume without the terminal UI) and dist/mysql2.cjs
// (mysql2, which run.cjs loads when a run first opens a MariaDB/MySQL connection). Each is loaded as bin/runbook.js
// and src/common/code-cache.ts load it
// (same wrapper, same file name), made to do its work once (--version, list, validate of every shipped runbook
// and of one with mistakes) so that the functions a start runs are compiled, then its cache is written.
// A plain CommonJS process on purpose: a cache made inside the ES module build script was rejected by V8 in
// the CLI's process.
'use strict';
const { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { tmpdir } = require('node:os');
const { Script } = require('node:vm');

const root = join(__dirname, '..');
// `--shell-run`, a second process: dist/run.cjs.shell.cache alone, trained on the plain run of shell steps only.
// bin/runbook.js reads it for a runbook that names no SQL, probe or call: V8 deserializes the whole cache at every
// start, and the full one also holds what a database runbook runs (its validation, probes, pg). A separate process,
// as one V8 shares the compiled functions of two loads of the same source.
const SHELL_ONLY = process.argv.includes('--shell-run');
const dist = join(root, 'dist');

function load(file) {
  const script = new Script(Module.wrap(readFileSync(file, 'latin1')), { filename: file });
  const mod = { exports: {} };
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dirname(file));
  return { script, exports: mod.exports };
}

async function main() {
  if (SHELL_ONLY) return trainShellRun();
  const validator = load(join(dist, 'validator.cjs'));
  const runbooks = join(root, 'runbooks');
  const shipped = [runbooks, join(runbooks, 'examples')].flatMap((d) => readdirSync(d)
    .filter((f) => /\.ya?ml$/.test(f) && !f.includes('.cases.')).map((f) => join(d, f)));
  for (const f of shipped) validator.exports.readRunbook(f);
  // The authoring loop's usual case: a runbook with mistakes (diagnostics, did-you-mean).
  validator.exports.parseRunbook('name: t\ntitle: T\nsteps:\n  - id: a\n    shel: echo ${{ inputs.x }}\n    next: b\n', join(root, 'training.yaml'));

  const fast = load(join(dist, 'fast.cjs'));
  const run = load(join(dist, 'run.cjs'));
  // mysql2 for run.cjs (src/db/mysql2-cjs.ts takes this instance). Loading it initialises mysql2, so its cache holds
  // that; no training run opens MariaDB (neither did run.cjs's before mysql2 moved out).
  const mysql2 = load(join(dist, 'mysql2.cjs'));
  globalThis[Symbol.for('runbook.mysql2-cjs')] = mysql2.exports;
  const { scratch, local, write } = trainingScene();
  try {
    for (const args of [['--version'], ['list'], ['validate', join(runbooks, 'auth.yaml')], ['validate', local]]) {
      await fast.exports.fastMain([process.execPath, 'runbook', ...args]);
    }
    // A plain run of a local runbook (shell steps, the transcript) and of pool-exhausted against a loopback port
    // nothing listens on (inputs, probes, a refused PostgreSQL login, its routes): the run path's functions.
    const transcript = join(scratch, 't.jsonl');
    await run.exports.main([process.execPath, 'runbook', 'run', local, '--plain', '--transcript', transcript]);
    await run.exports.main([process.execPath, 'runbook', 'run', join(runbooks, 'pool-exhausted.yaml'), '--plain', '--no-transcript',
      '--input', 'url=postgres://train@127.0.0.1:1/app']);
  } finally {
    process.stdout.write = write;
    rmSync(scratch, { recursive: true, force: true });
  }
  process.exitCode = 0;

  // V8 rejects a cache made under other flags than those it is read with: the CLI reads them at start, before
  // the validator turns on the linear-time regexp engine at its first `matches` pattern (linear-regex.ts).
  require('node:v8').setFlagsFromString('--no-enable-experimental-regexp-engine');
  writeFileSync(join(dist, 'validator.cjs.cache'), validator.script.createCachedData());
  writeFileSync(join(dist, 'fast.cjs.cache'), fast.script.createCachedData());
  writeFileSync(join(dist, 'run.cjs.cache'), run.script.createCachedData());
  writeFileSync(join(dist, 'mysql2.cjs.cache'), mysql2.script.createCachedData());
}

/** A scratch folder with a local runbook of one shell step, stdout swallowed, the validate cache off. */
function trainingScene() {
  const scratch = mkdtempSync(join(tmpdir(), 'runbook-train-'));
  const local = join(scratch, 'local.yaml');
  writeFileSync(local, 'name: local\ntitle: Local\nsteps:\n  - id: a\n    shell: echo a\n  - id: done\n    end: resolved\n    message: ok\n');
  const write = process.stdout.write;
  // Swallowed, but a write's callback still comes: the plain UI waits for its last line to be written.
  process.stdout.write = (_chunk, encoding, callback) => {
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
  process.env.RUNBOOK_NO_CACHE = '1';
  return { scratch, local, write };
}

async function trainShellRun() {
  const run = load(join(dist, 'run.cjs'));
  const { scratch, local, write } = trainingScene();
  try {
    await run.exports.main([process.execPath, 'runbook', 'run', local, '--plain', '--transcript', join(scratch, 't.jsonl')]);
  } finally {
    process.stdout.write = write;
    rmSync(scratch, { recursive: true, force: true });
  }
  process.exitCode = 0;
  writeFileSync(join(dist, 'run.cjs.shell.cache'), run.script.createCachedData());
}

main().catch((e) => { process.stderr.write(`${e.stack ?? e}\n`); process.exitCode = 1; });
