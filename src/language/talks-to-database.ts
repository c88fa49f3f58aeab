// Whether a runbook talks to a database: it names connections, or a step (or a wait's poll) runs SQL or a probe.
// Such a runbook's `resolved` is about a connection, so it should name the application's (application-check.ts).
import type { RunbookDoc } from './schema.js';

export function talksToDatabase(doc: RunbookDoc): boolean {
  if (doc.connections && Object.keys(doc.connections).length) return true;
  return doc.steps.some((s) => s.sql !== undefined || s.probe !== undefined || s.wait?.sql !== undefined || s.wait?.probe !== undefined);
}
