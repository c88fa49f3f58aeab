// What the engine's child processes inherit. Every process src/ starts is given its environment explicitly
// (read from the source: a new spawn without `env:` fails here), and the engine's own helpers (flock for the
// transcript lock, the bwrap check of a dry run) get no credential or input variable: run for real, with stand-ins
// for flock and bwrap first on PATH that write down what they were given and then do the real thing. A called
// runbook's scripts inherit none of the variables its callers read their inputs from, nor those of the runbooks
// it calls, at any depth; a step that names one in its `env:` gets it.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { cli, ROOT, scratch, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const dir = scratch({ after });
const CREDENTIALS = { DATABASE_URL: 'postgres://app:DbUrlSecret1@127.0.0.1:1/db', PGPASSWORD: 'PgPassSecret2', MYSQL_PWD: 'MyPwdSecret3', APP_DB_PASSWORD: 'AppDbSecret4' };

function sources(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
}

/** Left to the targets work (#19): the SSH master's environment. */
const UNCHECKED = new Set(['src/executors/ssh-identity.ts']);

test('every child process src/ starts is given its environment explicitly', () => {
  const missing: string[] = [];
  for (const file of sources(join(ROOT, 'src'))) {
    const rel = relative(ROOT, file);
    if (UNCHECKED.has(rel)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(spawn|spawnSync|execFile|execFileSync|execSync|exec|fork)\(/g)) {
      const before = text.slice(Math.max(0, m.index - 30), m.index);
      if (/(function|import|\.|const run = \(|promisify\()\s*$/.test(before) || /\bas\b|typeof/.test(text.slice(m.index - 20, m.index))) continue;
      // The call's own text, to its closing parenthesis.
      let depth = 0, end = m.index + m[0].length - 1;
      for (; end < text.length; end++) { if (text[end] === '(') depth++; else if (text[end] === ')' && --depth === 0) break; }
      const call = text.slice(m.index, end + 1);
      if (!/\benv\b/.test(call)) missing.push(`${rel}: ${call.split('\n')[0]}`);
    }
    // zx: the options of every $ call are built with an env.
    // (A proven read's is narrowed further, to an allowlist: executors/proven-env.ts.)
    if (/\$\(options\)`/.test(text) && !/env: \{ \.\.\.(provenOnly\(action, )?(withoutSessionHandles\()?inheritedEnv\(/.test(text)) missing.push(`${rel}: zx $ without inheritedEnv`);
  }
  assert.deepEqual(missing, []);
});

test('flock and the bwrap check get no credential or input variable', { timeout: E2E_TEST_LIMIT_MS }, async () => {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const record = (name: string) => `#!/bin/bash\nenv > ${JSON.stringify(join(dir, `${name}-env`))}.$$\n`;
  const realFlock = ['/usr/bin/flock', '/bin/flock'].find((p) => { try { readFileSync(p); return true; } catch { return false; } })!;
  writeFileSync(join(bin, 'flock'), `${record('flock')}exec ${realFlock} "$@"\n`);
  // The check runs `bwrap … -- true`; a sandboxed step `bwrap … -- <argv>`: run what follows --, unsandboxed.
  writeFileSync(join(bin, 'bwrap'), `${record('bwrap')}while [ "$1" != -- ]; do shift; done; shift; exec "$@"\n`);
  chmodSync(join(bin, 'flock'), 0o755);
  chmodSync(join(bin, 'bwrap'), 0o755);
  const rb = writeRunbook(dir, 'helpers', `name: helpers
title: t
inputs:
  token: { env: RB_HELPER_TOKEN, secret: true }
steps:
  - id: read
    shell: "true"
  - { id: done, end: resolved }
`);
  const r = await cli(['run', rb, '--dry-run', '--plain', '--transcript', join(dir, 'helpers.jsonl')],
    { env: { PATH: `${bin}:${process.env.PATH}`, RB_HELPER_TOKEN: 'HelperTokenSecret5', RUNBOOK_NO_SANDBOX: '', ...CREDENTIALS } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const recorded = readdirSync(dir).filter((f) => /^(flock|bwrap)-env\./.test(f));
  assert.ok(recorded.some((f) => f.startsWith('flock')) && recorded.some((f) => f.startsWith('bwrap')), `both ran: ${recorded.join(' ')}`);
  for (const f of recorded) {
    const env = readFileSync(join(dir, f), 'utf8');
    for (const secret of [...Object.values(CREDENTIALS), 'HelperTokenSecret5']) assert.ok(!env.includes(secret), `${f} holds ${secret}`);
    assert.match(env, /^PATH=/m);
  }
});

test("a called runbook's scripts inherit no variable any runbook of the run reads an input from", { timeout: E2E_TEST_LIMIT_MS }, async () => {
  const show = 'echo "${PARENT_TOKEN:-unset} ${CHILD_TOKEN:-unset} ${GRANDCHILD_TOKEN:-unset}"';
  const grandchild = writeRunbook(dir, 'grandchild', `name: grandchild
title: t
inputs:
  g: { env: GRANDCHILD_TOKEN, secret: true }
steps:
  - id: show
    destructive: false
    safe_because: prints what it inherited
    shell: '${show}'
  - id: declared
    destructive: false
    safe_because: it only prints a variable it declares (an uppercase name, which the lint cannot prove inert)
    shell:
      run: 'echo "declared \${PARENT_TOKEN:-unset}"'
      env: { PARENT_TOKEN: "given" }
  - { id: done, end: resolved }
`);
  const child = writeRunbook(dir, 'child', `name: child
title: t
inputs:
  c: { env: CHILD_TOKEN, secret: true }
steps:
  - id: show
    destructive: false
    safe_because: prints what it inherited
    shell: '${show}'
  - id: deeper
    runbook: { name: ${JSON.stringify(grandchild)} }
  - { id: done, end: resolved }
`);
  const parent = writeRunbook(dir, 'parent', `name: parent
title: t
inputs:
  p: { env: PARENT_TOKEN, secret: true }
steps:
  - id: show
    destructive: false
    safe_because: prints what it inherited
    shell: '${show}'
  - id: call
    runbook: { name: ${JSON.stringify(child)} }
  - { id: done, end: resolved }
`);
  const r = await cli(['run', parent, '--plain', '--no-transcript'],
    { env: { PARENT_TOKEN: 'ParentSecret6', CHILD_TOKEN: 'ChildSecret7', GRANDCHILD_TOKEN: 'GrandchildSecret8' } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const shown = r.stdout.split('\n').filter((l) => l.includes('|'));
  assert.deepEqual(shown.map((l) => l.replace(/^\s*\|\s*/, '')), ['unset unset unset', 'unset unset unset', 'unset unset unset', 'declared given'], r.stdout);
});
