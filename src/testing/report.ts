// The text `runbook test` prints: one line per case, the expected and actual path of a failing case,
// and each route no case takes, at file:line:col so an editor can jump to it.
import { formatDiagnostic, shownPath } from '../language/diagnostic.js';
import { describeRoute } from './coverage.js';
import type { RunbookTestResult } from './index.js';

export function formatResult(r: RunbookTestResult, cwd = process.cwd()): string[] {
  const show = (f: string) => shownPath(f, cwd);
  const out = [`${show(r.runbook.file)}  (cases: ${show(r.casesFile)})`];
  for (const d of r.diagnostics) out.push(`  ${formatDiagnostic({ ...d, file: show(d.file) })}`);
  for (const c of r.cases) {
    out.push(`  ${c.pass ? 'pass' : 'FAIL'}  ${c.name}`);
    for (const line of c.lines) out.push(`          ${line}`);
  }
  const cov = r.coverage;
  if (!cov) return out;
  const pct = cov.counted.length ? Math.floor((100 * cov.covered.length) / cov.counted.length) : 100;
  const never = cov.never.length ? `; ${cov.never.length} route${cov.never.length === 1 ? '' : 's'} no run can take, not counted` : '';
  out.push(`  coverage: ${cov.covered.length}/${cov.counted.length} routes (${pct}%)${never}`);
  for (const route of cov.uncovered) {
    const pos = r.runbook.map.key(route.edge.path);
    out.push(`    not taken: ${show(r.runbook.file)}:${pos.line}:${pos.col}  ${describeRoute(route)}`);
  }
  return out;
}

export function isFullyCovered(r: RunbookTestResult): boolean {
  return r.coverage !== undefined && r.coverage.uncovered.length === 0;
}
