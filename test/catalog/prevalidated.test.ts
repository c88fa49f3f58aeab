// dist/prevalidated.json (written by bin/bundle.mjs) lets `list` and `validate` skip validating unchanged
// built-in runbooks. Whatever it serves must be exactly what validating says; a changed file is validated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ROOT } from '../helpers/cli.js';

const hasIndex = existsSync(join(ROOT, 'dist', 'prevalidated.json'));
const fromSource = { env: { RUNBOOK_FROM_SOURCE: '1' } };

test('list and validate print the same with the index as without it', { skip: !hasIndex && 'dist/ not built' }, () => {
  for (const args of [['list', '--json'], ['list'], ['validate', '--json'], ['validate', 'runbooks/', '--json']]) {
    const built = cli(args, { cwd: ROOT });
    const source = cli(args, { cwd: ROOT, ...fromSource });
    assert.equal(built.code, source.code, args.join(' '));
    assert.equal(built.stdout, source.stdout, args.join(' '));
  }
});

test('a changed copy of a built-in is validated, not looked up', { skip: !hasIndex && 'dist/ not built' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-prevalidated-'));
  const name = readdirSync(join(ROOT, 'runbooks')).find((f) => f.endsWith('.yaml') && !f.includes('.cases.'))!;
  copyFileSync(join(ROOT, 'runbooks', name), join(dir, name));
  appendFileSync(join(dir, name), 'bogus_key: 1\n');
  writeFileSync(join(dir, 'other.yaml'), 'name: other\n');
  const r = cli(['validate', dir, '--json']);
  assert.equal(r.code, 2);
  const out = JSON.parse(r.stdout) as { diagnostics: { code: string; file: string }[] };
  assert.ok(out.diagnostics.some((d) => d.code === 'unknown-key' && d.file === join(dir, name)), r.stdout);
});

// `run` of a built-in takes the stored validation too (not validated again at every start); a copy elsewhere is
// validated in full and runs the same, and one that differs is refused with its location before anything runs.
test('run: a changed copy of a built-in is validated before anything runs; an exact copy runs as the built-in does', { skip: !hasIndex && 'dist/ not built' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-prevalidated-run-'));
  const exact = join(dir, 'pool-exhausted.yaml');
  copyFileSync(join(ROOT, 'runbooks', 'pool-exhausted.yaml'), exact);
  const refused = ['--plain', '--no-transcript', '--input', 'url=postgres://probe@127.0.0.1:1/app'];
  const builtin = cli(['run', 'pool-exhausted', ...refused]);
  const copy = cli(['run', exact, ...refused]);
  assert.equal(copy.code, builtin.code, copy.stderr);
  assert.match(copy.stdout, /FAILED\s+connect .*refused/);
  assert.equal(copy.stdout.replace(exact, 'pool-exhausted').replace(/\d+ms/g, 'N'), builtin.stdout.replace(/\S*pool-exhausted\.yaml/, 'pool-exhausted').replace(/\d+ms/g, 'N'));

  const edited = join(dir, 'edited.yaml');
  copyFileSync(exact, edited);
  appendFileSync(edited, 'bogus_key: 1\n');
  const r = cli(['run', edited, ...refused]);
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stderr, new RegExp(`${edited.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: unknown key 'bogus_key'`));
  assert.doesNotMatch(r.stdout, /start\s+connect/, 'nothing ran');
});
