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
