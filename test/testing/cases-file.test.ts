// A broken cases file is reported like a broken runbook: file:line:col, and a message that names the fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../src/language/diagnostic.js';
import { loadCases } from '../../src/testing/load-cases.js';
import { runbookFrom, tempDir } from './helpers.js';

const RUNBOOK = runbookFrom(`
name: svc
title: Service
inputs:
  service: { required: true }
  level: { default: 3, type: number }
steps:
  - id: check
    shell: systemctl is-active \${{ inputs.service }}
    capture: state
  - id: ask
    prompt: { message: Level?, pattern: "[0-9]+" }
  - id: choose
    manual: { instructions: Pick one, choices: [fixed, not-fixed] }
    on: { fixed: done }
  - id: restart
    destructive: true
    shell: systemctl restart \${{ inputs.service }}
  - id: done
    end: resolved
`);

function problems(yaml: string): string[] {
  const file = join(tempDir(), 'svc.cases.yaml');
  writeFileSync(file, yaml);
  const { cases, diagnostics } = loadCases(file, RUNBOOK.doc);
  if (diagnostics.length) assert.equal(cases, undefined, 'no cases are returned with errors');
  return diagnostics.map((d) => formatDiagnostic({ ...d, file: 'svc.cases.yaml' }));
}

test('a well-formed file has no diagnostics', () => {
  assert.deepEqual(problems(`
inputs: { service: web }
cases:
  - name: ok
    steps:
      check: { stdout: active }
      ask: { value: 7 }
      choose: { value: fixed }
    gates: { restart: skip }
    path: [check, ask, choose, done]
    outcome: resolved
`), []);
});

test('YAML syntax errors are positioned by the runbook loader', () => {
  assert.match(problems('cases:\n  - name: x\n    path: [check\n')[0] ?? '', /^svc\.cases\.yaml:\d+:\d+: error: invalid YAML/);
  assert.match(problems('cases: []\ncases: []\n')[0] ?? '', /^svc\.cases\.yaml:2:1: error: duplicate key 'cases'/);
});

test('shape errors: unknown keys with did-you-mean, missing keys, wrong values, inside unions too', () => {
  assert.deepEqual(problems(`
inputs: { service: web }
cases:
  - name: shape
    steps:
      check: { stdout: active, exitcode: 1 }
      ask: [{ status: okay }]
    gates: { restart: no }
    pth: [check]
    outcome: fine
`), [
    "svc.cases.yaml:4:5: error: missing required key 'path' in case 'shape' [missing-key]",
    "svc.cases.yaml:6:32: error: unknown key 'exitcode' in case 'shape' — did you mean 'exitCode'? [unknown-key]",
    "svc.cases.yaml:7:23: error: 'status' in case 'shape': must be one of ok, failed, timeout, got \"okay\" [schema]",
    "svc.cases.yaml:8:23: error: 'restart' in case 'shape': must be one of yes, skip, abort, got \"no\" [schema]",
    "svc.cases.yaml:9:5: error: unknown key 'pth' in case 'shape' — did you mean 'path'? [unknown-key]",
    "svc.cases.yaml:10:14: error: 'outcome' in case 'shape': must be one of resolved, escalate, failed, aborted, got \"fine\" [schema]",
  ]);
  assert.deepEqual(problems('cases: []\n'), ["svc.cases.yaml:1:8: error: 'cases': needs at least 1 item, got an empty list [schema]"]);
  assert.deepEqual(problems('- a list\n'), ['svc.cases.yaml:1:1: error: a cases file is a YAML mapping with a cases: list (see docs/tutorial.md) [not-cases]']);
});

test('every step id, input and answer must fit the runbook; the message names the fix', () => {
  assert.deepEqual(problems(`
inputs: { servic: web }
cases:
  - name: refs
    inputs: { service: web, level: high }
    steps:
      chek: {}
      state: {}
      done: {}
      ask: { value: lots }
      choose: { value: fixd }
    gates: { check: yes }
    path: [ask, restat]
    outcome: resolved
  - name: refs
    path: [check]
    outcome: failed
`), [
    "svc.cases.yaml:2:11: error: unknown input 'servic' — did you mean 'service'? (the runbook takes: service, level) [unknown-input]",
    "svc.cases.yaml:5:36: error: input 'level' must be a number (case 'refs') [case-input]",
    "svc.cases.yaml:7:7: error: unknown step 'chek' in case 'refs' — did you mean 'check'? [unknown-step]",
    "svc.cases.yaml:8:7: error: unknown step 'state' in case 'refs' — 'state' is the capture name of step 'check'; use the step id [unknown-step]",
    "svc.cases.yaml:9:7: error: step 'done' is an end step: it runs nothing, so it takes no result (remove it from steps: in case 'refs') [end-scripted]",
    "svc.cases.yaml:10:21: error: 'lots' does not match the pattern [0-9]+ of step 'ask' in case 'refs', so the operator could not give it [not-an-answer]",
    "svc.cases.yaml:11:24: error: 'fixd' is not a choice of step 'choose' in case 'refs' — did you mean 'fixed'? (choices: fixed, not-fixed) [not-a-choice]",
    "svc.cases.yaml:12:14: error: step 'check' is not destructive, so it has no gate to answer (remove it from gates: in case 'refs') [not-destructive]",
    "svc.cases.yaml:13:12: error: the path of case 'refs' must start at the first step 'check': every run starts there [path-start]",
    "svc.cases.yaml:13:17: error: unknown step 'restat' in case 'refs' — did you mean 'restart'? [unknown-step]",
    "svc.cases.yaml:15:11: error: case name 'refs' is used twice (first in case 1); names must be unique [duplicate-case]",
    "svc.cases.yaml:15:11: error: case 'refs' needs input 'service': add it under inputs: of the case, or at the top of the file for every case [case-input]",
  ]);
});

test('per-item results (items:) on a step without for_each are an error at items', () => {
  assert.deepEqual(problems(`inputs: { service: web }
cases:
  - name: items
    steps:
      check: { items: [{ status: ok }] }
    path: [check]
    outcome: failed
`), [
    "svc.cases.yaml:5:16: error: step 'check' has no for_each, so it has no items to script in case 'items': give its result directly (remove items:) [items-not-loop]",
  ]);
});

test('a required input missing from a case is an error at the case', () => {
  assert.deepEqual(problems('cases:\n  - { name: bare, path: [check], outcome: failed }\n'), [
    "svc.cases.yaml:2:13: error: case 'bare' needs input 'service': add it under inputs: of the case, or at the top of the file for every case [case-input]",
  ]);
});

test('a missing cases file says how to get one', () => {
  const { diagnostics } = loadCases(join(tempDir(), 'none.cases.yaml'), RUNBOOK.doc);
  assert.match(diagnostics[0]?.message ?? '', /no cases file here: write one \(docs\/tutorial\.md, "Test it"\) or pass --cases <file>/);
});
