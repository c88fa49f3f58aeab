// Reuse through YAML: merge keys (`<<: *t`) and x- holder keys for anchors, with positions at the using site.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunbook } from '../../src/language/runbook.js';
import { publishedSchema } from '../../src/language/json-schema.js';

const TEXT = `name: merge-demo
title: Merge demo
x-defaults:
  quick: &quick
    timeout: 10s
    retry: { attempts: 2 }
  slow: &slow
    timeout: 5m
steps:
  - id: a
    <<: *quick
    shell: echo a
  - id: b
    <<: [*quick, *slow]
    timeout: 5s
    shell: echo b
  - id: done
    end: resolved
    message: ok
`;

test('a merge key brings the anchored fields into the step; explicit keys win; x- holders are ignored', () => {
  const { runbook, diagnostics } = parseRunbook(TEXT, 'm.yaml');
  assert.deepEqual(diagnostics, []);
  const [a, b] = runbook!.doc.steps;
  assert.equal(a!.timeout, '10s');
  assert.deepEqual(a!.retry, { attempts: 2 });
  assert.equal((a as Record<string, unknown>)['<<'], undefined);
  assert.equal(b!.timeout, '5s'); // the step's own key beats both merged mappings
  assert.deepEqual(b!.retry, { attempts: 2 });
});

test('a mistake inside merged fields is reported at the <<: line of the step that uses it', () => {
  // In a list of merged mappings the first one wins, as YAML says: *slow's timeout is the one b gets.
  const text = TEXT.replace('timeout: 5m', 'timeout: forever').replace('[*quick, *slow]', '[*slow, *quick]').replace("    timeout: 5s\n", '');
  const { diagnostics } = parseRunbook(text, 'm.yaml');
  assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
  assert.deepEqual([diagnostics[0]!.line, diagnostics[0]!.col, diagnostics[0]!.code], [14, 5, 'schema']);
  assert.match(diagnostics[0]!.message, /'timeout' in step 'b'.*forever/);
});

test('an unknown key merged in is still an unknown key, located at the merge', () => {
  const text = TEXT.replace('    retry: { attempts: 2 }\n', '    retyr: { attempts: 2 }\n');
  const { diagnostics } = parseRunbook(text, 'm.yaml');
  const unknown = diagnostics.filter((d) => d.code === 'unknown-key');
  assert.deepEqual(unknown.map((d) => [d.line, d.col]), [[11, 5], [14, 5]]);
  assert.match(unknown[0]!.message, /did you mean 'retry'/);
});

test('only top-level keys starting with x- are holders; other unknown keys still fail', () => {
  const top = parseRunbook(TEXT.replace('x-defaults:', 'defaults:'), 'm.yaml').diagnostics;
  assert.deepEqual(top.map((d) => [d.line, d.col, d.code]), [[3, 1, 'unknown-key']]);
  // It holds anchors the steps use: the fix is the x- prefix, said so.
  assert.match(top[0]!.message, /^unknown key 'defaults': it holds &quick, &slow, used elsewhere; a key that only holds anchors must start with x- \(rename it x-defaults\)/);
  // A misspelt real key that anchors nothing used keeps its did-you-mean.
  const typo = parseRunbook(TEXT.replace('x-defaults:', 'x-defaults:').replace('title: Merge demo', 'titel: Merge demo'), 'm.yaml').diagnostics;
  assert.ok(typo.some((d) => d.code === 'unknown-key' && /unknown key 'titel' — did you mean 'title'\?/.test(d.message)), JSON.stringify(typo));
  // Anchors no alias uses: not a holder, no x- hint.
  const unused = parseRunbook(TEXT.replace('x-defaults:', 'defaults:').replace(/ {4}<<: .*\n/g, ''), 'm.yaml').diagnostics;
  assert.doesNotMatch(unused.find((d) => d.code === 'unknown-key')!.message, /x-/);
  const inStep = parseRunbook(TEXT.replace('    shell: echo a', '    x-note: hi\n    shell: echo a'), 'm.yaml').diagnostics;
  assert.deepEqual(inStep.map((d) => [d.line, d.code]), [[12, 'unknown-key']]);
});

test('the published JSON Schema lets editors accept x- holder keys', () => {
  const s = publishedSchema() as { additionalProperties: boolean; patternProperties: Record<string, unknown> };
  assert.equal(s.additionalProperties, false);
  assert.deepEqual(Object.keys(s.patternProperties), ['^x-']);
});
