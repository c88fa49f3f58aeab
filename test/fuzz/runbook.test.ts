// Load → validate → compile on mutated runbooks: every case ends in a machine or in located, one-line
// diagnostics; nothing throws and no case blows up (a CPU-time hang guard, budget.ts).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseRunbook, readRunbook, type ReadResult } from '../../src/language/runbook.js';
import { compileRunbook } from '../../src/engine/compile.js';
import { machineGraph } from '../../src/engine/graph.js';
import { resolveInputs } from '../../src/engine/inputs.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { CONTROL, RUNS, check, summary, tally } from './budget.js';
import { CORPUS, mutate, mutatedRunbook } from './mutate.js';

const FILE = 'fuzzed.yaml';

/** The invariant: a valid runbook compiles and graphs; an invalid one says where and why, in one line. */
export function assertSettled(text: string, r: ReadResult, file = FILE): void {
  const lines = text.split('\n');
  for (const d of r.diagnostics) {
    assert.equal(d.file, file);
    assert.ok(d.message.length > 0 && !CONTROL.test(d.message), `one-line message: ${JSON.stringify(d.message.slice(0, 200))}`);
    assert.ok(Number.isInteger(d.line) && d.line >= 1 && d.line <= lines.length, `line ${d.line} of ${lines.length}: ${d.code}`);
    const width = (lines[d.line - 1] ?? '').length;
    assert.ok(Number.isInteger(d.col) && d.col >= 1 && d.col <= width + 1, `col ${d.col} past the end of line ${d.line} (${width} chars): ${d.code} ${d.message.slice(0, 120)}`);
  }
  if (r.runbook) {
    assert.ok(!r.diagnostics.some((d) => d.severity === 'error'));
    const machine = compileRunbook(r.runbook.doc);
    const graph = machineGraph(machine, r.runbook.doc);
    assert.ok(graph.nodes.length >= r.runbook.doc.steps.length);
    // Ready to run: resolving inputs (patterns, types, defaults) reports problems, never throws.
    const given = Object.fromEntries(Object.keys(r.runbook.doc.inputs ?? {}).map((k) => [k, 'x']));
    resolveInputs(r.runbook.doc, given, {}, new Redactor());
  } else {
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'), 'no runbook and no error');
  }
}

test('every corpus file settles unmutated', () => {
  assert.ok(CORPUS.length >= 45, `corpus has ${CORPUS.length} files`);
  for (const { text } of CORPUS) assertSettled(text, parseRunbook(text, FILE));
  tally.set('corpus', CORPUS.length);
});

test(`mutated runbooks settle (${RUNS} cases)`, () => {
  check('mutated runbooks', mutatedRunbook, ({ base, mutations }) => {
    const text = mutate(base, mutations);
    assertSettled(text, parseRunbook(text, FILE));
  });
});

test(`mutated bytes read from disk settle (${Math.ceil(RUNS / 10)} cases)`, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-fuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, FILE);
  const bytes = fc.record({ base: fc.nat({ max: CORPUS.length - 1 }), at: fc.nat(), junk: fc.uint8Array({ minLength: 1, maxLength: 8 }) });
  check('mutated bytes', bytes, ({ base, at, junk }) => {
    const src = Buffer.from(CORPUS[base]!.text);
    const o = at % (src.length + 1);
    const buf = Buffer.concat([src.subarray(0, o), Buffer.from(junk), src.subarray(o)]);
    writeFileSync(file, buf);
    const r = readRunbook(file);
    assertSettled(new TextDecoder().decode(buf).replace(/^\uFEFF/, ''), r, file);
  }, Math.ceil(RUNS / 10));
});

after(() => console.log(summary()));
