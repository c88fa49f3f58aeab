// validate's per-statement SQL verdicts (src/language/sql/verdict-cache.ts, issue #51): after a local runbook's
// file changes in anything but its SQL, validate answers without starting the PostgreSQL parser (its worker) and
// prints what full validation prints; a changed statement is parsed again (and only the runbook's other statements
// come from the cache); a corrupt entry is a miss; a run never reads the cache. Against the built CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from '../helpers/cli.js';

const skip = !existsSync(join(ROOT, 'dist', 'build-id')) && 'dist/ not built';

const runbook = (summary: string, where: string) => `name: sqlcache
title: SQL cache
summary: ${summary}
inputs:
  url: { description: the database }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: sessions
    sql:
      connection: db
      query: SELECT pid, state FROM pg_stat_activity WHERE ${where}
  - id: kill
    destructive: true
    sql:
      connection: db
      query: SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state = 'idle'
  - id: done
    end: resolved
`;

/** validate through dist/fast.cjs as the launcher runs it, counting the worker threads started (the PostgreSQL
 *  parser is the only one validate starts); [exit code, stdout, workers]. */
function validate(file: string, env: Record<string, string>): [number | null, string, number] {
  const script = "const wt = require('node:worker_threads'); const W = wt.Worker; let workers = 0;"
    + 'wt.Worker = class extends W { constructor(...a) { super(...a); workers++; } };'
    + `require(${JSON.stringify(join(ROOT, 'dist', 'fast.cjs'))}).fastMain(['node', 'runbook', 'validate', ${JSON.stringify(file)}])`
    + ".then(() => { process.stderr.write('workers=' + workers); })";
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return [r.status, r.stdout, Number(/workers=(\d+)/.exec(r.stderr)?.[1] ?? -1)];
}

test('an edit that leaves the SQL alone loads no parser, and says what full validation says', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sqlcache-'));
  const env = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'runbook-sqlcache-home-')) };
  const file = join(dir, 'sqlcache.yaml');
  writeFileSync(file, runbook('First words.', "state = 'active'"));
  const [code1, , workers1] = validate(file, env);
  assert.equal(code1, 0);
  assert.equal(workers1, 1, 'the first validate parses');
  const sqlDir = join(env.XDG_CACHE_HOME, 'runbook', 'sql');
  const before = readdirSync(sqlDir).length;
  assert.ok(before >= 2, 'an entry per statement (and engine it was read as)');
  assert.equal(statSync(sqlDir).mode & 0o777, 0o700);

  // The summary changes: a miss of the file's cache, every statement a hit.
  writeFileSync(file, runbook('Other words.', "state = 'active'"));
  const full = cli(['validate', file], { env: { ...env, RUNBOOK_NO_CACHE: '1' } });
  const [code2, out2, workers2] = validate(file, env);
  assert.equal(workers2, 0, 'no parser for SQL it has read before');
  assert.deepEqual([code2, out2], [full.code, full.stdout]);

  // One statement changes: parsed again, and kept.
  writeFileSync(file, runbook('Other words.', "state = 'idle'"));
  const [, , workers3] = validate(file, env);
  assert.equal(workers3, 1);
  assert.ok(readdirSync(sqlDir).length > before);
});

test('a corrupt entry is a miss; the run never takes a verdict from the cache', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-sqlcache-'));
  const env = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'runbook-sqlcache-home-')) };
  const file = join(dir, 'sqlcache.yaml');
  // 'kill' terminates sessions and is not marked destructive: an error validate and the run both report.
  const unmarked = (summary: string) => runbook(summary, "state = 'active'").replace('    destructive: true\n', '');
  writeFileSync(file, unmarked('First words.'));
  const [code1, out1] = validate(file, env);
  assert.equal(code1, 2);
  assert.match(out1, /kill/);
  const sqlDir = join(env.XDG_CACHE_HOME, 'runbook', 'sql');

  // Corrupt entries: misses, parsed again, the same report.
  for (const name of readdirSync(sqlDir)) writeFileSync(join(sqlDir, name), '{"key": "torn');
  writeFileSync(file, unmarked('Other words.'));
  const [code2, out2, workers2] = validate(file, env);
  assert.deepEqual([code2, workers2], [2, 1]);
  assert.equal(out2, out1);

  // Entries forged to say every statement is a read (each under its own key) may change what validate says; the
  // run reads the SQL itself, refuses the runbook, and nothing is sent.
  for (const name of readdirSync(sqlDir)) writeFileSync(join(sqlDir, name), JSON.stringify({ key: name.replace(/\.json$/, ''), verdict: { parsed: true, statements: 1, readOnly: true } }));
  writeFileSync(file, unmarked('Third words.'));
  const run = cli(['run', file, '--plain', '--no-transcript', '-i', 'url=postgres://nobody@127.0.0.1:1/none'], { env });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /kill/);
  assert.doesNotMatch(run.stdout, /start\s+sessions/, 'nothing ran');
});
