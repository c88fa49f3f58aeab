// `runbook test` as an author runs it: exit codes, coverage enforcement, and cases files staying out of the catalog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

const RUNBOOK = `name: svc
title: Service check
steps:
  - id: check
    shell: systemctl is-active app || true
    capture: state
    next:
      - if: state.output == 'active'
        goto: up
  - id: down
    end: escalate
    message: app is \${{ state.output }}
  - id: up
    end: resolved
`;
const UP = `  - name: up
    steps: { check: { stdout: "active\\n" } }
    path: [check, up]
    outcome: resolved
`;
const DOWN = `  - name: down
    steps: { check: { stdout: "failed\\n" } }
    path: [check, down]
    outcome: escalate
    message: app is failed
`;

/** A project folder with runbooks/svc.yaml and, when given, runbooks/svc.cases.yaml. */
function project(cases?: string): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'runbooks'));
  writeFileSync(join(dir, 'runbooks', 'svc.yaml'), RUNBOOK);
  if (cases !== undefined) writeFileSync(join(dir, 'runbooks', 'svc.cases.yaml'), `cases:\n${cases}`);
  return dir;
}

const run = (dir: string, args: string[], env: Record<string, string> = {}) => cli(['test', ...args], { cwd: dir, env: { CI: '', ...env } });

test('exit 0 when every case passes and every route is taken', () => {
  const r = run(project(UP + DOWN), ['runbooks/svc.yaml']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, [
    'runbooks/svc.yaml  (cases: runbooks/svc.cases.yaml)',
    '  pass  up',
    '  pass  down',
    '  coverage: 2/2 routes (100%)',
    '2 cases: 2 passed, 0 failed',
    '',
  ].join('\n'));
});

test('exit 1 when a case takes another path; expected and actual path one line each', () => {
  const wrong = UP.replace('path: [check, up]', 'path: [check, down]').replace('outcome: resolved', 'outcome: escalate');
  const r = run(project(wrong + DOWN), ['runbooks/svc.yaml']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /  FAIL  up\n {10}expected path: check → down\n {10}actual path: {3}check → up\n/);
  assert.match(r.stdout, /2 cases: 1 passed, 1 failed/);
});

test('uncovered routes: reported; exit 1 only with --require-full-coverage or CI set', () => {
  const dir = project(UP);
  const relaxed = run(dir, ['runbooks/svc.yaml']);
  assert.equal(relaxed.code, 0, relaxed.stdout);
  assert.match(relaxed.stdout, /coverage: 1\/2 routes \(50%\)\n {4}not taken: runbooks\/svc\.yaml:4:5 {2}check → down {2}\(falls through\)/);
  assert.equal(run(dir, ['runbooks/svc.yaml', '--require-full-coverage']).code, 1);
  const ci = run(dir, ['runbooks/svc.yaml'], { CI: 'true' });
  assert.equal(ci.code, 1);
  assert.match(ci.stdout, /1 runbook not fully covered \(required\)/);
  assert.equal(run(dir, ['runbooks/svc.yaml', '--no-require-full-coverage'], { CI: 'true' }).code, 0);
});

test('exit 2 for a malformed cases file, with file:line:col', () => {
  const r = run(project('  - name: x\n    path: [chek]\n    outcome: resolved\n'), ['runbooks/svc.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /runbooks\/svc\.cases\.yaml:3:12: error: unknown step 'chek' in case 'x' — did you mean 'check'\? \[unknown-step\]/);
});

test('exit 2 for a missing cases file, an invalid runbook, or --cases with several runbooks', () => {
  assert.equal(run(project(), ['runbooks/svc.yaml']).code, 2);
  const dir = project(UP);
  writeFileSync(join(dir, 'runbooks', 'broken.yaml'), 'name: broken\ntitle: x\nsteps:\n  - id: a\n    next: b\n    shell: "true"\n');
  const broken = run(dir, ['runbooks/broken.yaml', '--cases', 'runbooks/svc.cases.yaml']);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /unknown step 'b'/);
  assert.equal(run(dir, ['runbooks/svc.yaml', 'runbooks/broken.yaml', '--cases', 'x.yaml']).code, 2);
});

test('--cases reads another file; by name, the runbook is found in the catalog', () => {
  const dir = project();
  writeFileSync(join(dir, 'elsewhere.yaml'), `cases:\n${UP}${DOWN}`);
  const r = run(dir, ['svc', '--cases', 'elsewhere.yaml']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\(cases: elsewhere\.yaml\)/);
});

test('without arguments every catalog runbook with a cases file is tested', () => {
  const r = run(project(UP + DOWN), []);
  assert.match(r.stdout, /^runbooks\/svc\.yaml {2}\(cases: runbooks\/svc\.cases\.yaml\)$/m);
});

test('cases files are not runbooks: list and validate skip them', () => {
  const dir = project(UP);
  const list = cli(['list', '--json'], { cwd: dir });
  const names = (JSON.parse(list.stdout) as { name: string }[]).map((e) => e.name);
  assert.ok(names.includes('svc'));
  assert.ok(!names.some((n) => n.endsWith('.cases')), names.join());
  const validate = cli(['validate', 'runbooks'], { cwd: dir });
  assert.equal(validate.code, 0, validate.stdout);
  assert.match(validate.stdout, /1 runbook checked/);
});

test('validate *.yaml: a cases file named on the command line is checked against its runbook, not as a runbook', () => {
  const dir = project(UP.replace('path: [check, up]', 'path: [check, upp]'));
  const both = cli(['validate', 'runbooks/svc.yaml', 'runbooks/svc.cases.yaml'], { cwd: dir });
  assert.equal(both.code, 2, both.stdout);
  assert.match(both.stdout, /svc\.cases\.yaml:4:19: error: unknown step 'upp' in case 'up' — did you mean 'up'\? \[unknown-step\]/);
  assert.doesNotMatch(both.stdout, /missing required key 'name'/);
  // Alone, without its runbook beside it; and under a name that does not say it is a cases file.
  writeFileSync(join(dir, 'other.cases.yaml'), `cases:\n${UP}`);
  assert.match(cli(['validate', 'other.cases.yaml'], { cwd: dir }).stdout, /other\.cases\.yaml:1:1: error: this is a cases file for runbook test, and no runbook other\.yaml is beside it.*\[cases-without-runbook\]/);
  writeFileSync(join(dir, 'mine.yaml'), `cases:\n${UP}`);
  const misnamed = cli(['validate', 'mine.yaml'], { cwd: dir });
  assert.match(misnamed.stdout, /mine\.yaml:1:1: error: this is a cases file for runbook test \(cases:\), not a runbook: name it <runbook>\.cases\.yaml beside its runbook.*\[cases-file\]\n1 runbook checked: 1 error/);
});

test('--help shows examples', () => {
  const r = cli(['test', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:\n {2}runbook test runbooks\/examples\/pg-disk-full\.yaml/);
});
