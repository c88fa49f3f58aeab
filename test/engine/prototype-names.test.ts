// Names an author or operator chooses are just names, even when they are Object.prototype's: an input,
// capture, connection and environment variable named `constructor`, `__proto__`, `toString`… and a step id
// `constructor` / `valueof` behave like any other name through validate, run (real bash), the transcript,
// resume and report. (Before: an input `constructor` read Object itself, `__proto__` vanished.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readRunbook } from '../../src/language/runbook.js';
import { readTranscript } from '../../src/transcript/reader.js';
import { findResumePoint } from '../../src/resume/point.js';
import { buildReport } from '../../src/transcript/report/build.js';
import { inputsForResume } from '../../src/resume/inputs.js';
import { runWithTranscript } from '../transcript/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { NOT_CHECKED } from '../../src/engine/application-check.js';

const PROTO = [...new Set([...Object.getOwnPropertyNames(Object.prototype), 'call', 'apply', 'bind', 'prototype', 'then'])]
  .filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
const identifier = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
const hostile = fc.constantFrom(...PROTO);
const name = fc.oneof({ weight: 3, arbitrary: hostile }, { weight: 1, arbitrary: identifier });
const stepIdOf = (n: string) => (n.toLowerCase().replace(/^_+/, '').replace(/_+$/, '') || 'proto').replace(/^[^a-z]/, 's');

function runbookText(input: string, capture: string, conn: string, envName: string, stepId: string): string {
  return `name: proto
title: Prototype-named everything
inputs:
  ${input}: { default: "v-${input}", env: ${envName} }
connections:
  ${conn}: { url: "postgres://u@127.0.0.1:1/db" }
steps:
  - id: ${stepId}
    destructive: false
    safe_because: it only prints (its env name may be mixed case, which the lint cannot prove inert)
    shell:
      run: echo "\${{ inputs.${input} }}|$${envName}"
      env:
        ${envName}: "e-\${{ inputs.${input} }}"
    capture: ${capture}
  - id: second
    shell: echo "\${{ ${capture}.output }}|\${{ steps.${stepId}.output }}|\${{ steps.${stepId}.ok }}"
    capture: seen
  - id: done
    end: resolved
    message: "\${{ seen.output }}"
`;
}

test('names from Object.prototype are ordinary names: validate, run, transcript, resume, report', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-proto-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  await fc.assert(fc.asyncProperty(name, name, name, name, fc.boolean(), async (input, capture, conn, envName, fromEnv) => {
    fc.pre(capture !== 'seen' && !['inputs', 'steps', 'result'].includes(capture));
    const stepId = stepIdOf(input) === 'second' || stepIdOf(input) === 'done' ? 'first' : stepIdOf(input);
    const file = join(dir, `p${n++}.yaml`);
    writeFileSync(file, runbookText(input, capture, conn, envName, stepId));
    const { runbook, diagnostics } = readRunbook(file);
    assert.ok(runbook, `validates: ${diagnostics.map((d) => d.message).join('; ')}`);
    assert.deepEqual(Object.keys(runbook.doc.inputs ?? {}), [input]);
    assert.deepEqual(Object.keys(runbook.doc.connections ?? {}), [conn]);

    // The value comes from --input, or from the input's environment variable (named like a prototype member too).
    const value = `x-${input}`;
    const transcript = join(dir, `p${n}.jsonl`);
    // Built as --input and --env-file build them (defined, not assigned: '__proto__' stays a key).
    const given = Object.defineProperty({}, input, { value, enumerable: true }) as Record<string, string>;
    const env = Object.defineProperty({}, envName, { value, enumerable: true }) as NodeJS.ProcessEnv;
    const finished = await runWithTranscript(runbook, fromEnv ? {} : given, transcript, {}, fromEnv ? { env } : {});
    const expected = `${value}|e-${value}`;
    assert.equal(finished.outcome, 'resolved', finished.message);
    assert.equal(finished.message, `${expected}|${expected}|true ${NOT_CHECKED}`);

    // Resume from just after the first step's finish: it is not run again, its capture is rebuilt.
    const lines = readFileSync(transcript, 'utf8').trimEnd().split('\n');
    const cut = join(dir, `p${n}-cut.jsonl`);
    const at = lines.findIndex((l) => { const o = JSON.parse(l) as { type: string; stepId?: string }; return o.type === 'step-finished' && o.stepId === stepId; });
    writeFileSync(cut, `${lines.slice(0, at + 1).join('\n')}\n`);
    const rt = readTranscript(cut);
    const point = findResumePoint(rt, runbook.doc);
    assert.deepEqual([point.stepId, point.phase], [stepId, 'route']);
    assert.ok(Object.hasOwn(point.context.results, stepId));
    assert.equal(point.context.captures[capture], stepId);
    assert.ok(Object.hasOwn(point.context.captures, capture));
    assert.equal(point.context.visits[stepId], 1);
    const again = inputsForResume(rt.header.inputs, runbook.doc, [], {});
    assert.deepEqual(again, [`${input}=${value}`]);

    const report = buildReport(readTranscript(transcript));
    assert.equal(report.outcome, 'resolved');
    assert.deepEqual(Object.keys(report.inputs), [input]);
  }), { numRuns: Math.max(10, Math.min(40, Math.round((Number(process.env.FUZZ_RUNS) || 300) / 10))) });
});

test('the CLI: --input __proto__=… and an --env-file line constructor=… reach the run', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-proto-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'cli.yaml');
  writeFileSync(file, `name: proto-cli
title: Prototype names on the command line
inputs:
  __proto__: { required: true }
  toString: { env: constructor, required: true }
steps:
  - id: constructor
    shell: echo "\${{ inputs.__proto__ }}-\${{ inputs.toString }}"
    capture: hasOwnProperty
  - id: done
    end: resolved
    message: "\${{ hasOwnProperty.output }}"
`);
  writeFileSync(join(dir, 'env'), 'constructor=from-env-file\n');
  const { cli } = await import('../transcript/helpers.js');
  const r = await cli(['run', file, '--plain', '--no-transcript', '-i', '__proto__=from-input', '--env-file', join(dir, 'env')]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /finished resolved .*: from-input-from-env-file/);
});
