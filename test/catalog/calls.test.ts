// Called runbooks across files, through the real CLI: `validate` resolves every `runbook:` step (the file
// exists, its inputs are known and the required ones given, no call cycles), each finding at the call's
// file:line:col; a call is resolved beside the calling file, then in the catalog — never in the current directory
// (every spelling of the name). Complements test/hardening/called-runbooks.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

function files(layout: Record<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-calls-'));
  for (const [name, text] of Object.entries(layout)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const caller = (calls: string) => `name: caller\ntitle: Caller\nsteps:\n${calls}  - id: done\n    end: resolved\n    message: ok\n`;
const NEEDS = `name: needs
title: Needs inputs
inputs:
  file: { required: true }
  region: { required: true, default: eu-1 }
  token: { required: true, env: SOME_TOKEN }
  note: {}
steps:
  - id: done
    end: resolved
    message: needs done
`;

describe('validate resolves calls', { concurrency: true }, () => {
  test('a call to a file that does not exist: located error with did-you-mean', () => {
    const t = files({ 'lib/needs.yaml': NEEDS, 'lib/caller.yaml': caller('  - id: call\n    runbook: { name: ./neds.yaml, inputs: { file: x } }\n') });
    try {
      const r = cli(['validate', join(t.dir, 'lib/caller.yaml')]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stdout, /caller\.yaml:5:22: error: no runbook '\.\/neds\.yaml' beside caller\.yaml or in the catalog .*\[unknown-runbook\]/);
    } finally { t.cleanup(); }
  });

  test('unknown input names (did-you-mean) and missing required inputs; defaults and env-supplied inputs need none', () => {
    const t = files({ 'needs.yaml': NEEDS, 'caller.yaml': caller('  - id: call\n    runbook:\n      name: needs\n      inputs: { fiel: x, regoin: y }\n') });
    try {
      const r = cli(['validate', join(t.dir, 'caller.yaml')]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stdout, /caller\.yaml:7:17: error: 'fiel' is not an input of the called runbook 'needs' — did you mean 'file'\? \[unknown-input\]/);
      assert.match(r.stdout, /caller\.yaml:7:26: error: 'regoin' is not an input of the called runbook 'needs' — did you mean 'region'\? \[unknown-input\]/);
      assert.match(r.stdout, /caller\.yaml:6:13: error: the called runbook 'needs' requires input 'file'.*\[missing-input\]/);
      assert.doesNotMatch(r.stdout, /requires input '(region|token|note)'/);
      assert.match(r.stdout, /3 errors/);
    } finally { t.cleanup(); }
  });

  test('a correct call validates clean', () => {
    const t = files({ 'needs.yaml': NEEDS, 'caller.yaml': caller('  - id: call\n    runbook: { name: needs.yaml, inputs: { file: x } }\n') });
    try {
      const r = cli(['validate', join(t.dir, 'caller.yaml')]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    } finally { t.cleanup(); }
  });

  test('call cycles: a → b → a, a runbook calling itself, and a cycle further down the chain', () => {
    const t = files({
      'a.yaml': caller('  - id: to-b\n    runbook: { name: b }\n').replace('name: caller', 'name: a'),
      'b.yaml': caller('  - id: to-a\n    runbook: { name: ./a.yaml }\n').replace('name: caller', 'name: b'),
      'self.yaml': caller('  - id: again\n    runbook: { name: self }\n').replace('name: caller', 'name: self'),
      'top.yaml': caller('  - id: into\n    runbook: { name: a }\n').replace('name: caller', 'name: top'),
    });
    try {
      const a = cli(['validate', join(t.dir, 'a.yaml')]);
      assert.equal(a.code, 2);
      assert.match(a.stdout, /b\.yaml:5:22: error: runbooks call each other in a cycle: a\.yaml → b\.yaml → a\.yaml \[call-cycle\]/);
      const self = cli(['validate', join(t.dir, 'self.yaml')]);
      assert.match(self.stdout, /self\.yaml:5:22: error: .*cycle: self\.yaml → self\.yaml/);
      const top = cli(['validate', join(t.dir, 'top.yaml')]);
      assert.match(top.stdout, /b\.yaml:5:22: error: .*cycle: top\.yaml → a\.yaml → b\.yaml → a\.yaml/);
    } finally { t.cleanup(); }
  });

  test('a called runbook with errors is reported at the call', () => {
    const t = files({ 'broken.yaml': 'name: broken\ntitle: B\nsteps:\n  - id: x\n    shel: echo\n', 'caller.yaml': caller('  - id: call\n    runbook: { name: broken }\n') });
    try {
      const r = cli(['validate', join(t.dir, 'caller.yaml')]);
      assert.equal(r.code, 2);
      assert.match(r.stdout, /caller\.yaml:5:22: error: the called runbook has errors; the first: .*broken\.yaml:5:5: .*\[called-runbook-invalid\]/);
    } finally { t.cleanup(); }
  });

  test('a bare name falls back to the catalog (a built-in runbook)', () => {
    const t = files({ 'caller.yaml': caller('  - id: call\n    runbook: { name: refused, inputs: { url: "postgres://db:5432/app" } }\n') });
    try {
      const ok = cli(['validate', join(t.dir, 'caller.yaml')]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    } finally { t.cleanup(); }
  });
});

describe('calls resolve beside the calling file, not in the current directory', () => {
  const inner = (message: string) => `name: inner\ntitle: Inner\nsteps:\n  - id: done\n    end: resolved\n    message: ${message}\n`;
  for (const name of ['inner', 'inner.yaml', './inner.yaml']) {
    test(`name: ${name}`, () => {
      const t = files({
        'book/outer.yaml': caller(`  - id: call\n    runbook: { name: ${name} }\n    next: show\n  - id: show\n    shell: echo "got \${{ steps.call.output }}"\n`),
        'book/inner.yaml': inner('the sibling'),
        'elsewhere/inner.yaml': inner('the decoy in the current directory'),
        'elsewhere/runbooks/inner.yaml': inner('the decoy in ./runbooks'),
      });
      try {
        const r = cli(['run', join(t.dir, 'book/outer.yaml'), '--plain', '--no-transcript'], { cwd: join(t.dir, 'elsewhere') });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /got the sibling/);
        const v = cli(['validate', join(t.dir, 'book/outer.yaml')], { cwd: join(t.dir, 'elsewhere') });
        assert.equal(v.code, 0, v.stdout + v.stderr);
      } finally { t.cleanup(); }
    });
  }
});
