// A runbook that talks to a database and can end `resolved` without naming the application's connection
// (`application:`) ends it on its steps' word alone: no login checks at the end that the application connects
// again (engine/application-check.ts). Decided (stop 81): a warning, not an error, said once per runbook at its first
// `resolved` end, and the run's end says the same (not checked). A runbook that never touches a database (a disk, a
// service) is left alone: "the application connects" is not what it fixes.
import type { RunbookDoc } from '../schema.js';
import { talksToDatabase } from '../talks-to-database.js';
import type { Reporter } from './context.js';

export function checkApplicationNamed(doc: RunbookDoc, report: Reporter): void {
  if (doc.application || !talksToDatabase(doc)) return;
  const i = doc.steps.findIndex((s) => s.end === 'resolved');
  if (i < 0) return;
  report.warn('application-unnamed', `/steps/${i}/end`, `step '${doc.steps[i]!.id}' ends resolved, but nothing checks at the end that the application connects: `
    + 'this runbook talks to a database and names no application connection, so a resolved end says only that its steps passed; '
    + 'add application: { url: <the URL the application uses> }');
}
