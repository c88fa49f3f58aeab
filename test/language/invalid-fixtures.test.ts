// Every kind of mistake an author makes gets one located, worded diagnostic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRunbook } from '../../src/language/runbook.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'invalid');

// file → [line, col, code, words the message must contain, severity]
const EXPECTED: Record<string, [number, number, string, string, ('error' | 'warning')?]> = {
  'empty.yaml': [1, 1, 'empty', 'the file is empty'],
  'binary.yaml': [1, 1, 'binary', 'not a text file'],
  'tabs.yaml': [4, 1, 'tab-indent', 'tab characters'],
  'duplicate-key.yaml': [6, 5, 'duplicate-key', "duplicate key 'shell'"],
  'multi-doc.yaml': [7, 1, 'multiple-documents', '2 YAML documents'],
  'not-mapping.yaml': [1, 1, 'not-a-runbook', 'holds a list'],
  'missing-name.yaml': [1, 1, 'missing-key', "missing required key 'name'"],
  'unknown-top-key.yaml': [3, 1, 'unknown-key', "unknown key 'stpes' — did you mean 'steps'?"],
  'unknown-step-key.yaml': [5, 5, 'unknown-key', "unknown key 'destructve' in step 'restart' — did you mean 'destructive'?"],
  'wrong-type-timeout.yaml': [6, 14, 'schema', 'expected a duration'],
  'bad-duration.yaml': [6, 14, 'schema', 'got "5 minutes"'],
  'bad-end-outcome.yaml': [5, 10, 'schema', 'must be one of resolved, escalate, failed'],
  'bad-step-id.yaml': [4, 9, 'schema', 'must be lower case letters'],
  'duplicate-step-id.yaml': [6, 9, 'duplicate-id', "step id 'check' is used twice"],
  'no-action.yaml': [4, 9, 'no-action', "step 'check' does nothing"],
  'two-actions.yaml': [6, 5, 'many-actions', "has both 'shell' and 'sql'"],
  'goto-unknown.yaml': [6, 11, 'unknown-step', "unknown step 'restat' — did you mean 'restart'?"],
  'on-unknown.yaml': [6, 18, 'unknown-step', "unknown step 'escalte' — did you mean 'escalate'?"],
  'unreachable.yaml': [7, 9, 'unreachable', "step 'orphan' can never run", 'warning'],
  'no-way-out.yaml': [4, 9, 'no-way-out', 'no path reaches an end'],
  'unbounded-loop.yaml': [4, 9, 'unbounded-loop', 'no explicit bound', 'warning'],
  'expr-syntax.yaml': [8, 31, 'expression', "expected ')'"],
  'expr-unknown-capture.yaml': [8, 13, 'unknown-name', "unknown name 'usag' — did you mean 'usage'?"],
  'undeclared-input.yaml': [7, 33, 'unknown-input', "input 'servce' is not declared — did you mean 'service'?"],
  'result-outside.yaml': [5, 9, 'unknown-name', "'result' is only available"],
  'unsafe-sql.yaml': [7, 19, 'unsafe-unmarked', 'not read-only: it is a DELETE statement'],
  'unsafe-shell.yaml': [4, 9, 'unsafe-unmarked', "looks destructive ('systemctl restart')"],
  'safe-without-reason.yaml': [6, 18, 'unsafe-unmarked', "without 'safe_because"],
  'sql-template.yaml': [9, 19, 'sql-template', 'put values in params'],
  'unknown-connection.yaml': [7, 24, 'unknown-connection', "unknown connection 'primry' — did you mean 'primary'?"],
  'probe-without-target.yaml': [5, 12, 'probe-target', 'needs a target'],
  'alias-bomb.yaml': [14, 13, 'alias-limit', 'maxAliases'],
  'template-unclosed.yaml': [7, 29, 'expression', 'never closed'],
  'unknown-function.yaml': [8, 13, 'expression', "unknown function 'len'"],
  'misplaced-with.yaml': [6, 5, 'misplaced-key', "'with' only belongs on probe steps"],
  'empty-steps.yaml': [3, 8, 'schema', 'needs at least 1 item'],
  'end-with-next.yaml': [6, 5, 'misplaced-key', "'next' has no meaning on an end step"],
  'approval-covers-nothing.yaml': [3, 1, 'misplaced-key', "'approval' covers this runbook's destructive steps, and it has none that it covers", 'warning'],
  'approval-exempt-from-nothing.yaml': [6, 5, 'misplaced-key', "'approval: false' leaves a step out of the runbook's 'approval:', and this runbook has none"],
  'unknown-probe.yaml': [5, 12, 'schema', 'must be one of dns, tcp, tls, db-connect'],
  'reserved-capture.yaml': [6, 14, 'reserved-name', "capture name 'inputs' is reserved"],
  'bad-yaml-syntax.yaml': [3, 1, 'yaml', 'invalid YAML'],
  'duration-too-long.yaml': [6, 14, 'duration-too-long', "timeout 750h in step 'check' is over the 24h limit"],
};

test('there are at least 25 broken runbooks, each with an expectation', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  assert.ok(files.length >= 25, `only ${files.length} fixtures`);
  assert.deepEqual(files, Object.keys(EXPECTED).sort());
});

for (const [file, [line, col, code, words, severity = 'error']] of Object.entries(EXPECTED)) {
  test(`${file}: ${code} at ${line}:${col}`, () => {
    const { runbook, diagnostics } = readRunbook(join(dir, file));
    const hit = diagnostics.find((d) => d.code === code && d.line === line && d.col === col);
    assert.ok(hit, `expected ${code} at ${line}:${col}, got:\n${diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`).join('\n')}`);
    assert.equal(hit.severity, severity);
    assert.ok(hit.message.includes(words), `message "${hit.message}" lacks "${words}"`);
    assert.ok(!hit.message.includes('\n'), 'diagnostics are one line');
    assert.equal(hit.file, join(dir, file));
    if (severity === 'error') assert.equal(runbook, undefined, 'a runbook with errors is not returned');
  });
}
