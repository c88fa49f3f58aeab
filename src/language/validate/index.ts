// Loaded document → diagnostics. Shape first; the semantic checks only run on a well-shaped runbook.
import type { Diagnostic } from '../diagnostic.js';
import type { LoadedDocument } from '../load.js';
import type { RunbookDoc } from '../schema.js';
import { Reporter } from './context.js';
import { checkSchema } from './schema-check.js';
import { checkSteps } from './steps-check.js';
import { checkGraph } from './graph-check.js';
import { checkBranches } from './branch-check.js';
import { checkExpressions } from './expression-check.js';
import { lintSafety } from './safety-lint.js';
import { checkPatterns } from './pattern-check.js';
import { checkPlainFields } from './plain-field-check.js';
import { checkDefaults } from './default-check.js';
import { checkCaptureOrder } from './capture-check.js';
import { checkEnvNames, checkShellHoles } from './shell-check.js';
import { checkSecretDirectories, checkSecretSinks } from './secret-sink-check.js';
import { checkSecretRoutes } from './route-check.js';
import { checkDurations } from './duration-check.js';
import { checkSecretTargets, checkTargetChoices } from './target-check.js';
import { checkGateSkips } from './gate-skip-check.js';
import { checkLoopLists } from './loop-list-check.js';
import { checkApplicationNamed } from './application-named-check.js';

/** Beyond this a runbook is no longer something to read during an incident, and compiling it would take
 *  seconds; ~8× the largest built-in. */
export const MAX_STEPS = 2000;

const GRAPH_ERRORS = new Set(['unknown-step', 'duplicate-id']);

export function validateDocument(loaded: LoadedDocument): Diagnostic[] {
  if (loaded.diagnostics.length) return loaded.diagnostics;
  const report = new Reporter(loaded.file, loaded.map);
  const value = loaded.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    report.error('not-a-runbook', '', `a runbook is a YAML mapping with name, title and steps; this file holds ${Array.isArray(value) ? 'a list' : `a ${value === null ? 'null' : typeof value}`}`);
    return report.diagnostics;
  }
  if ('cases' in value && !('steps' in value)) {
    report.error('cases-file', '/cases', 'this is a cases file for runbook test (cases:), not a runbook: name it <runbook>.cases.yaml beside its runbook, then runbook validate checks it against that runbook and runbook test runs it', 'key');
    return report.diagnostics;
  }
  if (!checkSchema(value, report)) {
    // Still say what is wrong with ids and kinds when the steps list itself is usable.
    return sortByPosition(report.diagnostics);
  }
  const doc = value as RunbookDoc;
  if (doc.steps.length > MAX_STEPS) {
    report.error('too-many-steps', '/steps', `the runbook has ${doc.steps.length} steps; the limit is ${MAX_STEPS} (split it: a step can call another runbook)`, 'key');
    return report.diagnostics;
  }
  checkSteps(doc, report);
  checkGraph(doc, report);
  checkTargetChoices(doc, report);
  checkSecretTargets(doc, report);
  checkBranches(doc, report);
  checkGateSkips(doc, report);
  checkExpressions(doc, report);
  checkLoopLists(doc, report);
  checkPatterns(doc, report);
  checkPlainFields(doc, report);
  checkDefaults(doc, report);
  // Which captures are set on every path follows the step graph: skipped only when an error makes the graph
  // wrong (an edge to a step that is not there, two steps with one id), where its warnings would be noise caused by
  // that error. Other errors (a bad expression, an unknown input) leave the graph as written; it runs with them.
  if (!report.diagnostics.some((d) => GRAPH_ERRORS.has(d.code))) checkCaptureOrder(doc, report);
  checkShellHoles(doc, report);
  checkSecretSinks(doc, report);
  checkSecretDirectories(doc, report);
  checkSecretRoutes(doc, report);
  checkEnvNames(doc, report);
  checkDurations(doc, report);
  checkApplicationNamed(doc, report);
  lintSafety(doc, report);
  return sortByPosition(report.diagnostics);
}

function sortByPosition(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort((a, b) => a.line - b.line || a.col - b.col);
}
