// A cases file read, shape-checked and checked against its runbook, with every problem at file:line:col
// (the runbook loader's positioned YAML).
import { existsSync } from 'node:fs';
import { hasErrors, type Diagnostic } from '../language/diagnostic.js';
import { loadFile } from '../language/load.js';
import type { RunbookDoc } from '../language/schema.js';
import { Reporter } from '../language/validate/context.js';
import { CasesFile, type CasesFileDoc } from './cases-schema.js';
import { checkShape } from './shape-check.js';
import { checkCases } from './case-checks.js';

export interface LoadedCases { cases?: CasesFileDoc; diagnostics: Diagnostic[] }

/** `runbooks/refused.yaml` → `runbooks/refused.cases.yaml`. */
export function defaultCasesFile(runbookFile: string): string {
  return `${runbookFile.replace(/\.ya?ml$/i, '')}.cases.yaml`;
}

/** runbookFile: where the runbook under test is, so that keys of called runbooks' steps (`call/step`) can be checked. */
export function loadCases(file: string, doc: RunbookDoc, runbookFile?: string): LoadedCases {
  if (!existsSync(file)) {
    return { diagnostics: [{ severity: 'error', code: 'no-cases', file, line: 1, col: 1,
      message: 'no cases file here: write one (docs/tutorial.md, "Test it") or pass --cases <file>' }] };
  }
  const loaded = loadFile(file);
  if (loaded.diagnostics.length) return { diagnostics: loaded.diagnostics };
  const report = new Reporter(file, loaded.map);
  const value = loaded.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    report.error('not-cases', '', 'a cases file is a YAML mapping with a cases: list (see docs/tutorial.md)');
    return { diagnostics: report.diagnostics };
  }
  if (!checkShape(CasesFile, value, report, (path) => caseLabel(path, value))) return { diagnostics: sorted(report.diagnostics) };
  const cases = value as CasesFileDoc;
  checkCases(cases, doc, report, runbookFile);
  const diagnostics = sorted(report.diagnostics);
  return hasErrors(diagnostics) ? { diagnostics } : { cases, diagnostics };
}

function caseLabel(path: string, root: object): string {
  const m = /^\/cases\/(\d+)\//.exec(path);
  if (!m) return '';
  const name = (root as { cases?: { name?: unknown }[] }).cases?.[Number(m[1])]?.name;
  return typeof name === 'string' ? ` in case '${name}'` : ` in case ${Number(m[1]) + 1}`;
}

const sorted = (ds: Diagnostic[]) => ds.sort((a, b) => a.line - b.line || a.col - b.col);
