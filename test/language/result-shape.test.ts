// A step's result is a record: `check != 'error'` compared the record with a text, held every time and could
// route to `resolved` with nothing working; `check.outptu` read null. Both validated clean. Generated over every
// kind of step, every way to name its result and every operator or function that reads a value: each is a
// located error, and the forms that are right (a field, `== null`, json(), a template) stay clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseRunbook } from '../../src/language/runbook.js';
import { RESULT_FIELDS } from '../../src/language/validate/result-shape-check.js';
import { StepResultSchema } from '../../src/events/schema.js';
import { CLASSIFICATIONS, STEP_STATUSES } from '../../src/common/classification.js';
import { cli } from '../helpers/cli.js';

const KINDS: Record<string, { step: string; fields: string[] }> = {
  shell: { step: 'shell: echo hi', fields: ['output', 'stdout', 'stderr', 'exitCode', 'signal', 'outputBytes'] },
  sql: { step: 'sql: { query: "SELECT 1 AS n" }', fields: ['rows', 'rowCount', 'columns', 'rowsOmitted', 'bytesOmitted'] },
  probe: { step: 'probe: db-connect\n    with: { connection: db }', fields: [] },
  manual: { step: 'manual: "Restart the app by hand"', fields: [] },
  prompt: { step: 'prompt: { message: "Which host?" }', fields: [] },
  vars: { step: 'vars: { a: "1" }', fields: ['vars'] },
  wait: { step: 'wait: { shell: "echo up", until: "result.output == \'up\'", every: 1s, for: 5s }', fields: ['output', 'rows', 'rowCount'] },
};
const ANY = ['status', 'ok', 'durationMs', 'classification', 'error', 'value', 'details', 'items', 'truncated', 'withheld'];

/** The result of step `a` (capture `c`), read as `ref`, inside the expression `expr` of a later step's `if`. */
function runbook(kind: string, expr: string, site: 'if' | 'next' = 'if'): string {
  const read = site === 'next' ? `    next:\n      - if: ${JSON.stringify(expr)}\n        goto: done\n      - goto: other\n` : '';
  return `name: t\ntitle: T\ninputs:\n  url: { type: url, default: "postgres://app@127.0.0.1:5432/app" }\nconnections:\n  db: { url: "\${{ inputs.url }}" }\nsteps:\n`
    + `  - id: a\n    ${KINDS[kind]!.step}\n    capture: c\n${read}`
    + (site === 'if' ? `  - id: b\n    if: ${JSON.stringify(expr)}\n    end: resolved\n    message: via b\n` : '')
    + '  - id: other\n    end: escalate\n    message: no\n  - id: done\n    end: resolved\n    message: ok\n';
}
const codes = (text: string) => parseRunbook(text, 'rb.yaml').diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

const REFS = ['c', 'steps.a', "steps['a']"];
const VALUE_USES = [(r: string) => `${r} == 'ok'`, (r: string) => `${r} != 'error'`, (r: string) => `'ok' == ${r}`, (r: string) => `${r} > 3`,
  (r: string) => `${r} matches 'up'`, (r: string) => `${r} contains 'up'`, (r: string) => `'up' in ${r}`, (r: string) => `${r} + 1 > 2`,
  (r: string) => `length(${r}) > 0`, (r: string) => `lower(${r}) == 'up'`, (r: string) => `-${r} < 0`, (r: string) => `c.ok && ${r} != 'x'`];
const RIGHT_USES = [(r: string) => `${r} != null`, (r: string) => `${r} == null`, (r: string) => `json(${r}) contains 'ok'`, (r: string) => `${r}`,
  (r: string) => `${r}.ok`, (r: string) => `${r}.status == 'ok'`, (r: string) => `!${r}`, (r: string) => `default(${r}, 1) != null`];

test('a whole result where a value belongs is an error, for every kind, every way of naming it and every operator', () => {
  fc.assert(fc.property(fc.constantFrom(...Object.keys(KINDS)), fc.constantFrom(...REFS), fc.constantFrom(...VALUE_USES), (kind, ref, use) => {
    assert.ok(codes(runbook(kind, use(ref))).includes('whole-result'), `${kind}: ${use(ref)}`);
  }), { numRuns: 300 });
  // `result`, in next[].if, is the step's own whole result.
  for (const use of VALUE_USES) assert.ok(codes(runbook('shell', use('result'), 'next')).includes('whole-result'), use('result'));
});

test('the right readings of a result stay clean', () => {
  for (const kind of Object.keys(KINDS)) {
    for (const ref of REFS) for (const use of RIGHT_USES) assert.deepEqual(codes(runbook(kind, use(ref))), [], `${kind}: ${use(ref)}`);
  }
});

test("a field the step's kind never has is an error; its own fields and every kind's common ones are not", () => {
  for (const [kind, { fields }] of Object.entries(KINDS)) {
    for (const field of RESULT_FIELDS) {
      const expected = ANY.includes(field) || fields.includes(field) || (kind === 'wait' && ['stdout', 'stderr', 'exitCode', 'signal', 'outputBytes', 'columns', 'rowsOmitted', 'bytesOmitted'].includes(field));
      const got = codes(runbook(kind, `steps.a.${field} != null`));
      assert.equal(got.includes('unknown-field'), !expected, `${kind}.${field}: ${got}`);
    }
  }
  fc.assert(fc.property(fc.constantFrom(...Object.keys(KINDS)), fc.constantFrom(...REFS), fc.stringMatching(/^[a-z][A-Za-z]{2,12}$/), (kind, ref, field) => {
    fc.pre(!RESULT_FIELDS.includes(field));
    assert.ok(codes(runbook(kind, `${ref}.${field} == 'x'`)).includes('unknown-field'), `${kind}: ${ref}.${field}`);
  }), { numRuns: 300 });
});

test("stdout or stderr compared with a text that ends no line, or matched with $, is a warning; output is not", () => {
  const warned = (expr: string) => parseRunbook(runbook('shell', expr), 'rb.yaml').diagnostics.filter((d) => d.code === 'raw-output').length > 0;
  fc.assert(fc.property(fc.constantFrom(...REFS), fc.constantFrom('stdout', 'stderr'), fc.constantFrom('==', '!=', 'matches'), fc.stringMatching(/^[a-z0-9 ]{1,8}$/), (ref, field, op, text) => {
    const literal = op === 'matches' ? `${text}$` : text;
    assert.ok(warned(`${ref}.${field} ${op} '${literal}'`), `${ref}.${field} ${op} '${literal}'`);
    if (op !== 'matches') assert.ok(warned(`'${literal}' ${op} ${ref}.${field}`), 'either side');
    assert.equal(warned(`${ref}.output ${op} '${literal}'`), false);
  }), { numRuns: 200 });
  for (const expr of ["c.stdout == ''", 'c.stdout contains \'x\'', "c.stdout matches 'x'", "c.stdout == 'x\\n'"]) assert.equal(warned(expr), false, expr);
});

test('a status or classification compared with a word no result can hold is an error, with did-you-mean', () => {
  const found = (expr: string) => parseRunbook(runbook('sql', expr), 'rb.yaml').diagnostics.filter((d) => d.code.startsWith('unknown-s') || d.code.startsWith('unknown-c')).map((d) => d.message);
  const word = fc.stringMatching(/^[a-z][a-z_-]{1,20}$/);
  fc.assert(fc.property(fc.constantFrom(...REFS), fc.constantFrom('status', 'classification'), fc.constantFrom('==', '!=', 'in'), word, (ref, field, op, w) => {
    const known: readonly string[] = field === 'status' ? STEP_STATUSES : CLASSIFICATIONS;
    const expr = op === 'in' ? `${ref}.${field} in ['${known[0]}', '${w}']` : `${ref}.${field} ${op} '${w}'`;
    assert.equal(found(expr).length > 0, !known.includes(w), expr);
  }), { numRuns: 400 });
  assert.match(found("c.classification == 'too_many_connections'")[0]!, /did you mean 'too-many-connections'/);
  assert.match(found("c.status != 'success'")[0]!, /always holds/);
  for (const c of CLASSIFICATIONS) assert.deepEqual(found(`'${c}' == c.classification`), [], c);
});

test("the fields validate knows are the transcript's result fields, and the two the engine adds", () => {
  const recorded = Object.keys(StepResultSchema.properties);
  assert.deepEqual([...RESULT_FIELDS].sort(), [...recorded, 'output', 'ok'].sort());
});

test("through the CLI: exit 2 at the expression's line and column, with the fix, and a run does not start", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-shape-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'rb.yaml'), 'name: t\ntitle: T\nsteps:\n  - id: check\n    shell: echo error\n    capture: check\n'
    + "  - id: fixed\n    if: check != 'error'\n    end: resolved\n    message: the app works again\n  - id: broken\n    end: escalate\n    message: still broken\n");
  const v = cli(['validate', 'rb.yaml'], { cwd: dir, env: { RUNBOOK_NO_CACHE: '1' } });
  assert.equal(v.code, 2);
  assert.match(v.stdout + v.stderr, /rb\.yaml:8:9: error: check is the whole result of step 'check' .*e\.g\. check\.output \[whole-result\]/);
  const r = cli(['run', 'rb.yaml', '--plain'], { cwd: dir, env: { RUNBOOK_NO_CACHE: '1' } });
  assert.equal(r.code, 2);
  assert.doesNotMatch(r.stdout, /finished resolved/);
  assert.deepEqual(readdirSync(dir), ['rb.yaml']); // no transcript: nothing ran
});
