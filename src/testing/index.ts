// `runbook test` without the command line: a runbook and its cases file in, verdicts and coverage out.
import type { Diagnostic } from '../language/diagnostic.js';
import type { Runbook } from '../language/runbook.js';
import { loadCases } from './load-cases.js';
import { runCase, type CaseRun } from './run-case.js';
import { judge } from './compare.js';
import { routesOf, summarize, type CoverageSummary } from './coverage.js';

export { defaultCasesFile } from './load-cases.js';

export interface CaseResult { name: string; pass: boolean; lines: string[]; run: CaseRun }

export interface RunbookTestResult {
  runbook: Runbook;
  casesFile: string;
  /** Problems with the cases file; when any is an error no case ran. */
  diagnostics: Diagnostic[];
  cases: CaseResult[];
  coverage?: CoverageSummary;
}

export async function testRunbook(runbook: Runbook, casesFile: string): Promise<RunbookTestResult> {
  const { cases: file, diagnostics } = loadCases(casesFile, runbook.doc, runbook.file);
  if (!file) return { runbook, casesFile, diagnostics, cases: [] };
  const routes = routesOf(runbook.doc);
  const taken = new Set<string>();
  const results: CaseResult[] = [];
  for (const c of file.cases) {
    const run = await runCase(runbook, file, c, routes);
    run.taken.forEach((k) => taken.add(k));
    results.push({ name: c.name, ...judge(c, run), run });
  }
  return { runbook, casesFile, diagnostics, cases: results, coverage: summarize(routes, taken) };
}
