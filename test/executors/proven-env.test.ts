// What a proven read inherits of the operator's environment (executors/proven-env.ts): a probe of stop 77 had the
// operator's RIPGREP_CONFIG_PATH give `rg -c hello data.txt` (validate clean, a proven read) a `--pre` command,
// which rg started on the file it read; as a non-root operator it wrote a file in a real run. Real rg, real runs
// and dry runs; the environment's names generated (seed 77) from the variables programs are known to act on and
// from names nobody reviewed.
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const ACTING = ['RIPGREP_CONFIG_PATH', 'LESSOPEN', 'LESSCLOSE', 'PAGER', 'MANPAGER', 'EDITOR', 'VISUAL', 'SHELL', 'AWKPATH',
  'AWKLIBPATH', 'LOCPATH', 'GCONV_PATH', 'TZDIR', 'WGETRC', 'CURL_HOME', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'GREP_COLORS',
  'JQ_COLORS', 'PS_FORMAT', 'MAGIC', 'HOSTALIASES', 'RES_OPTIONS', 'LOCALDOMAIN', 'GLIBC_TUNABLES', 'XDG_CONFIG_HOME',
  'XDG_DATA_DIRS', 'PGSERVICEFILE', 'PGOPTIONS', 'PGSYSCONFDIR', 'MYSQL_HOME', 'http_proxy', 'https_proxy', 'all_proxy',
  'NLSPATH', 'LANGUAGE', 'DBUS_SESSION_BUS_ADDRESS', 'SSH_AUTH_SOCK', 'INPUTRC', 'GIT_CONFIG_GLOBAL', 'SYSTEMD_PAGER'];

/** `count` names, each either one of ACTING or a name no one reviewed (upper or lower case). */
function generatedNames(seed: number, count: number): string[] {
  const next = rng(seed);
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ_';
  const names = new Set<string>();
  while (names.size < count) {
    if (next() < 0.5) { names.add(ACTING[Math.floor(next() * ACTING.length)]!); continue; }
    let n = 'X';
    for (let i = 0, len = 3 + Math.floor(next() * 8); i < len; i++) n += letters[Math.floor(next() * letters.length)];
    names.add(next() < 0.3 ? n.toLowerCase() : n);
  }
  return [...names];
}

const printed = (stdout: string): Set<string> => new Set([...stdout.matchAll(/\| ([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]!));

for (const mode of ['real', 'dry'] as const) {
  test(`a proven read (${mode} run) sees none of the operator's unreviewed variables, and PATH and HOME as they were`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const file = writeRunbook(dir, 'env', 'name: env\ntitle: Env\nsteps:\n  - id: look\n    shell: printenv\n  - { id: done, end: resolved, message: ok }\n');
    const names = generatedNames(77, 40);
    const env = Object.fromEntries(names.map((n) => [n, '/tmp/x']));
    const r = await cli(['run', file, '--plain', '--no-transcript', ...(mode === 'dry' ? ['--dry-run'] : [])], { cwd: dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const seen = printed(r.stdout);
    assert.ok(seen.has('PATH') && seen.has('HOME'), r.stdout);
    assert.deepEqual(names.filter((n) => seen.has(n)), [], 'no unreviewed variable reached the read');
  });

  test(`rg in a proven read (${mode} run) starts no --pre command of RIPGREP_CONFIG_PATH`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    writeFileSync(join(dir, 'data.txt'), 'hello\n');
    // The --pre command's output is what rg searches: three lines of hello where the file has one.
    writeFileSync(join(dir, 'pre.sh'), '#!/bin/sh\nprintf "hello\\nhello\\nhello\\n"\n');
    chmodSync(join(dir, 'pre.sh'), 0o755);
    writeFileSync(join(dir, 'rgrc'), `--pre=${join(dir, 'pre.sh')}\n`);
    const file = writeRunbook(dir, 'rg', 'name: rg\ntitle: Rg\nsteps:\n  - id: look\n    shell: rg -c hello data.txt\n  - { id: done, end: resolved, message: ok }\n');
    const r = await cli(['run', file, '--plain', '--no-transcript', ...(mode === 'dry' ? ['--dry-run'] : [])], { cwd: dir, env: { RIPGREP_CONFIG_PATH: join(dir, 'rgrc') } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\| 1\n/, 'rg read the file itself');
    assert.doesNotMatch(r.stdout, /\| 3\n/, 'the --pre command did not run');
  });
}

// The operator's tokens were withheld only by spelling (credential-env.ts: DATABASE_URL, PASSWORD…): `printenv`,
// a proven read, printed GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY and VAULT_TOKEN to the screen and the transcript.
test("a proven read prints none of the operator's tokens, on the screen or in the transcript", { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const file = writeRunbook(dir, 'tokens', 'name: tokens\ntitle: Tokens\nsteps:\n  - id: look\n    shell: printenv\n  - { id: done, end: resolved, message: ok }\n');
  const tokens = { GITHUB_TOKEN: 'ghp_77aaaaaaaaaaaa', AWS_SECRET_ACCESS_KEY: 'aws77bbbbbbbbbbbb', VAULT_TOKEN: 'hvs.77cccccccccc', SLACK_WEBHOOK: 'https://hooks.example/77dddd' };
  const transcript = join(dir, 'run.jsonl');
  const r = await cli(['run', file, '--plain', '--transcript', transcript], { cwd: dir, env: tokens });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const written = readFileSync(transcript, 'utf8');
  for (const value of Object.values(tokens)) {
    assert.ok(!r.stdout.includes(value), `${value} on the screen`);
    assert.ok(!written.includes(value), `${value} in the transcript`);
  }
});
