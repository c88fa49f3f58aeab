// Issue #18: mistakes that used to validate silently each get a located error or warning with a fix hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunbook } from '../../src/language/runbook.js';
import type { Diagnostic } from '../../src/language/diagnostic.js';

/** A runbook around the given steps (YAML, indented as list items under steps:), ending in done/escalate. */
function check(steps: string, head = ''): Diagnostic[] {
  const text = `name: t\ntitle: T\n${head}steps:\n${steps}  - id: done\n    end: resolved\n  - id: escalate\n    end: escalate\n`;
  return parseRunbook(text, 't.yaml').diagnostics;
}
const HEAD_LINES = 3; // name, title, steps

function only(ds: Diagnostic[], code: string): Diagnostic[] {
  return ds.filter((d) => d.code === code);
}

function one(ds: Diagnostic[], code: string, line: number, col: number, words: RegExp, severity: 'error' | 'warning' = 'error'): void {
  const hits = only(ds, code);
  assert.equal(hits.length, 1, `one ${code}: ${JSON.stringify(ds)}`);
  assert.deepEqual([hits[0]!.line, hits[0]!.col, hits[0]!.severity], [line, col, severity], JSON.stringify(hits[0]));
  assert.match(hits[0]!.message, words);
}

test("an on key no result can carry is an error with did-you-mean, for every step kind's own keys", () => {
  const ds = check(`  - id: a
    shell: echo
    on: { skiped: done, error: escalate }
  - id: b
    manual: { instructions: do it, choices: [fixed, not-fixed] }
    on: { fixd: done, not-fixed: escalate }
  - id: c
    probe: tcp
    with: { host: 127.0.0.1, port: 1 }
    on: { refused: escalate, timout: escalate, too-many-connections: escalate }
`);
  const hits = only(ds, 'unknown-on-key');
  assert.deepEqual(hits.map((d) => [d.line, d.col]), [[HEAD_LINES + 3, 11], [HEAD_LINES + 6, 11], [HEAD_LINES + 10, 30]]);
  assert.match(hits[0]!.message, /'skiped'.*never be taken.*did you mean 'skipped'/);
  assert.match(hits[1]!.message, /did you mean 'fixed'/);
  assert.match(hits[2]!.message, /did you mean 'timeout'/);
});

test('a prompt without choices may branch on any answer; with choices only on them', () => {
  assert.deepEqual(only(check(`  - id: a
    prompt: { message: which? }
    on: { primary: done, replica: escalate }
`), 'unknown-on-key'), []);
  one(check(`  - id: a
    prompt: { message: which?, choices: [primary, replica] }
    on: { primary: done, replca: escalate }
`), 'unknown-on-key', HEAD_LINES + 3, 26, /did you mean 'replica'/);
});

test('a choice missing from on (while others branch) is a warning naming it; an explicit next or ok is a default', () => {
  one(check(`  - id: a
    manual: { instructions: do it, choices: [fixed, not-fixed, unsure] }
    on: { not-fixed: escalate }
`), 'choice-without-branch', HEAD_LINES + 3, 5, /choices 'fixed', 'unsure' of step 'a' have no branch.*add fixed: <step>, unsure: <step>/, 'warning');
  for (const extra of ['    next: escalate\n', '']) {
    const on = extra ? '{ not-fixed: escalate }' : '{ not-fixed: escalate, ok: done }';
    assert.deepEqual(only(check(`  - id: a\n    manual: { instructions: do it, choices: [fixed, not-fixed] }\n    on: ${on}\n${extra}`), 'choice-without-branch'), []);
  }
});

test('a next branch after an unconditional one is unreachable', () => {
  one(check(`  - id: a
    shell: echo
    next:
      - goto: done
      - if: steps.a.ok
        goto: escalate
`), 'unreachable-branch', HEAD_LINES + 5, 9, /never taken.*goto: done.*has no 'if'.*last/, 'warning');
});

test('go_to in a branch is reported inside the branch with did-you-mean, not as "got a list"', () => {
  const ds = check(`  - id: a
    shell: echo
    next:
      - if: steps.a.ok
        go_to: done
`);
  const unknown = only(ds, 'unknown-key');
  assert.equal(unknown.length, 1, JSON.stringify(ds));
  assert.deepEqual([unknown[0]!.line, unknown[0]!.col], [HEAD_LINES + 5, 9]);
  assert.match(unknown[0]!.message, /unknown key 'go_to' in step 'a' — did you mean 'goto'\?/);
  assert.ok(!ds.some((d) => /got a list/.test(d.message)), JSON.stringify(ds));
});

test('if: ${{ … }} (the GitHub Actions habit) gets a hint, in every expression field', () => {
  const ds = check(`  - id: a
    if: \${{ inputs.n > 1 }}
    shell: echo
    next:
      - if: "\${{ steps.a.ok }}"
        goto: done
  - id: w
    wait: { until: "\${{ result.ok }}", shell: echo, every: 1s, for: 5s }
`, 'inputs:\n  n: { type: number, default: 2 }\n');
  const hits = only(ds, 'wrapped-expression');
  assert.deepEqual(hits.map((d) => d.line), [HEAD_LINES + 2 + 2, HEAD_LINES + 2 + 5, HEAD_LINES + 2 + 8]);
  assert.match(hits[0]!.message, /'if' is an expression already: write it without \$\{\{ \}\} \(if: inputs.n > 1\)/);
  assert.match(hits[2]!.message, /'until'/);
  assert.deepEqual(only(ds, 'expression'), []);
});

test("steps.no-contention (a dashed id) gets the steps['no-contention'] hint and no misleading unknown-name errors", () => {
  const ds = check(`  - id: no-contention
    shell: echo
  - id: b
    if: steps.no-contention.ok and steps.no-contention-1 == 0
    shell: echo \${{ steps.no-contention.output }}
`);
  const hits = only(ds, 'dashed-step-id');
  assert.deepEqual(hits.map((d) => [d.line, d.col]), [[HEAD_LINES + 4, 9], [HEAD_LINES + 4, 36], [HEAD_LINES + 5, 21]]);
  assert.match(hits[0]!.message, /write steps\['no-contention'\] instead of steps.no-contention/);
  assert.deepEqual(ds.filter((d) => d.code === 'unknown-name' || d.code === 'unknown-step'), []);
  // The bracket form is fine.
  assert.deepEqual(check(`  - id: no-contention\n    shell: echo\n  - id: b\n    if: steps['no-contention'].ok\n    shell: echo\n`).filter((d) => d.severity === 'error'), []);
});

test('${{ }} in a field that is not a template is an error naming the field (runbook, input and step fields)', () => {
  const ds = check(`  - id: a
    description: checks \${{ inputs.n }}
    prompt: { message: "n? (\${{ inputs.n }})", default: "\${{ inputs.n }}", choices: ["\${{ inputs.n }}"] }
`, 'summary: when \${{ inputs.n }} is high\ninputs:\n  n: { description: "the \${{ n }}", default: "1" }\n');
  const hits = only(ds, 'not-templated');
  // summary (3), the input's description (5), then the step's description (8) and the prompt's default and choice (9).
  assert.deepEqual(hits.map((d) => d.line), [3, 5, 8, 9, 9]);
  assert.match(hits[0]!.message, /'summary' is not a template: \$\{\{ \}\} here would be shown as written/);
  assert.match(hits[3]!.message, /'default' is not a template.*used as written/);
  // prompt.message is a template: no error there.
  assert.ok(!hits.some((d) => d.col === 22 && d.line === 9));
});

test('a default its own input or prompt would refuse is an error at the default', () => {
  const ds = check(`  - id: a
    prompt: { message: which?, choices: [a, b], default: c }
  - id: b
    prompt: { message: pid?, pattern: '[0-9]+', default: none }
`, 'inputs:\n  port: { type: number, default: abc }\n  url: { type: url, default: localhost }\n  code: { pattern: "^[0-9]+$", default: x1 }\n  ok: { type: boolean, default: "yes" }\n  key: { type: number, default: nope, secret: true }\n');
  const hits = only(ds, 'bad-default');
  assert.deepEqual(hits.map((d) => [d.line, d.col]), [[4, 34], [5, 30], [6, 41], [8, 33], [11, 58], [13, 58]]);
  assert.match(hits[0]!.message, /"abc" does not fit: input 'port' must be a number/);
  assert.match(hits[3]!.message, /not shown: the input is secret/);
  assert.ok(!hits[3]!.message.includes('nope'));
  assert.match(hits[4]!.message, /'c' of step 'a' is not one of its choices \(a, b\)/);
  assert.match(hits[5]!.message, /does not match its pattern/);
});

test('a path that runs past the last step (ending resolved with no end step) is warned about even when the file has end steps', () => {
  const text = `name: t
title: T
steps:
  - id: restart
    shell: systemctl restart app
    destructive: true
    on: { skipped: verify, error: escalate }
    next: done
  - id: done
    end: resolved
  - id: escalate
    end: escalate
  - id: verify
    shell: curl -fsS localhost
`;
  const ds = parseRunbook(text, 't.yaml').diagnostics;
  one(ds, 'no-end', 13, 5, /after step 'verify' \(the last\) the run ends 'resolved' without an end step/, 'warning');
  // The last step being an end, or unreachable, or sending the run elsewhere: no warning.
  assert.deepEqual(only(parseRunbook(text.replace('    shell: curl -fsS localhost\n', '    shell: curl -fsS localhost\n    next: done\n'), 't.yaml').diagnostics, 'no-end'), []);
});

test('a capture read where some path never ran the step that sets it is a warning; guarded reads are not', () => {
  const steps = `  - id: check
    shell: echo 90
    on: { error: report }
    capture: usage
  - id: usage-high
    shell: echo high
    capture: high
  - id: report
    shell: echo \${{ usage.output }} \${{ high.output }}
    next: done
`;
  // check → (error) → report skips usage-high: 'high' may be unset at report; 'usage' is set on every path.
  const ds = check(steps);
  one(ds, 'maybe-unset', HEAD_LINES + 9, 12, /'high' may not be set here: some path to step 'report' never reaches 'usage-high'.*default\(high/, 'warning');
  // Guarded reads: default(), a condition testing it, or an `if` on the step's own result.
  for (const read of ["\${{ default(high.output, 'n/a') }}", "\${{ high.status == 'ok' ? high.output : 'n/a' }}", "\${{ high and high.output }}"]) {
    assert.deepEqual(only(check(steps.replace('${{ high.output }}', read)), 'maybe-unset'), [], read);
  }
  // A step skipped by its own `if` still records its result: a path through it sets the capture.
  assert.deepEqual(only(check(steps.replace('    on: { error: report }\n', '').replace('    shell: echo high\n', '    if: false\n    shell: echo high\n')), 'maybe-unset'), []);
});
