// Writes a runbook and its cases into a temporary folder and runs `runbook test` on them in-process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunbook, type Runbook } from '../../src/language/runbook.js';
import { testRunbook, type RunbookTestResult } from '../../src/testing/index.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'runbook-test-'));
}

/** A validated runbook from YAML text; fails the test with the diagnostics when it does not validate. */
export function runbookFrom(yaml: string, file = join(tempDir(), 'rb.yaml')): Runbook {
  writeFileSync(file, yaml);
  const { runbook, diagnostics } = parseRunbook(yaml, file);
  if (!runbook) throw new Error(`fixture runbook does not validate:\n${diagnostics.map((d) => d.message).join('\n')}`);
  return runbook;
}

export async function testWith(runbookYaml: string, casesYaml: string): Promise<RunbookTestResult> {
  const dir = tempDir();
  const runbook = runbookFrom(runbookYaml, join(dir, 'rb.yaml'));
  const cases = join(dir, 'rb.cases.yaml');
  writeFileSync(cases, casesYaml);
  return testRunbook(runbook, cases);
}

/** The only case's outcome and path, for one-case tests. */
export async function onlyCase(runbookYaml: string, caseYaml: string) {
  const r = await testWith(runbookYaml, `cases:\n${caseYaml}`);
  if (r.diagnostics.length) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return r.cases[0]!;
}
