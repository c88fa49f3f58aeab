// Every built-in runbook ships with cases that take every route, and those cases really test something:
// a case whose path is changed fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { load, dump } from 'js-yaml';
import { builtinDir, filesIn } from '../../src/catalog/discover.js';
import { readRunbook } from '../../src/language/runbook.js';
import { defaultCasesFile, testRunbook } from '../../src/testing/index.js';
import type { CasesFileDoc } from '../../src/testing/cases-schema.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

const BUILTINS = filesIn(builtinDir());

test('the built-in runbooks are there', () => {
  assert.ok(BUILTINS.length >= 5, BUILTINS.join());
});

for (const file of BUILTINS) {
  const name = basename(file, '.yaml');
  test(`${name}: every case passes and every route is taken`, async () => {
    assert.ok(existsSync(defaultCasesFile(file)), `write runbooks/${name}.cases.yaml (see docs/tutorial.md, "Test it")`);
    const { runbook, diagnostics } = readRunbook(file);
    assert.ok(runbook, diagnostics.map((d) => d.message).join('\n'));
    const result = await testRunbook(runbook, defaultCasesFile(file));
    assert.deepEqual(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`), []);
    for (const c of result.cases) assert.ok(c.pass, `${c.name}\n${c.lines.join('\n')}`);
    const cov = result.coverage!;
    assert.deepEqual(cov.uncovered.map((r) => r.key), [], `${name}: ${cov.covered.length}/${cov.counted.length} routes`);
  });

  test(`${name}: a case whose path differs fails`, async () => {
    const cases = load(readFileSync(defaultCasesFile(file), 'utf8')) as CasesFileDoc;
    const victim = cases.cases.find((c) => c.path.length > 2)!;
    // Another ending of this runbook than the one the case reaches.
    const wrongTurn = readRunbook(file).runbook!.doc.steps.find((s) => s.end && s.id !== victim.path[victim.path.length - 1])!.id;
    const mutated = { ...cases, cases: [{ ...victim, path: [...victim.path.slice(0, -1), wrongTurn] }] };
    const casesFile = join(tempDir(), `${name}.cases.yaml`);
    writeFileSync(casesFile, dump(mutated));
    const result = await testRunbook(readRunbook(file).runbook!, casesFile);
    assert.deepEqual(result.diagnostics, []);
    const [only] = result.cases;
    assert.equal(only?.pass, false, `${name}: changing the last step of '${victim.name}' went unnoticed`);
    assert.ok(only.lines.includes(`expected path: ${mutated.cases[0]!.path.join(' → ')}`), only.lines.join('\n'));
    assert.ok(only.lines.includes(`actual path:   ${victim.path.join(' → ')}`), only.lines.join('\n'));
  });
}

test('runbook test over the catalog: exit 0 with full coverage required; 1 when a path differs', () => {
  const all = cli(['test', '--require-full-coverage']);
  assert.equal(all.code, 0, all.stdout + all.stderr);
  for (const file of BUILTINS) assert.match(all.stdout, new RegExp(`${basename(file)} .*\\n(  pass .*\\n)+  coverage: (\\d+)/\\2 routes \\(100%\\)`));
  const refused = BUILTINS.find((f) => basename(f) === 'refused.yaml') ?? BUILTINS[0]!;
  const cases = load(readFileSync(defaultCasesFile(refused), 'utf8')) as CasesFileDoc;
  const first = cases.cases[0]!;
  const casesFile = join(tempDir(), 'mutated.cases.yaml');
  writeFileSync(casesFile, dump({ ...cases, cases: [{ ...first, path: first.path.slice(0, -1) }] }));
  const r = cli(['test', refused, '--cases', casesFile]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /FAIL .*\n {10}expected path: .*\n {10}actual path: {3}.*\n {10}the run went on to '/);
});
