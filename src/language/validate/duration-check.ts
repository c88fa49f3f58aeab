// Every duration a runbook gives must be at most MAX_DURATION_MS: `timeout: 750h` would otherwise overflow
// Node's timer and fire at once. The schema checks the form; this checks the size, at the value.
import type { RunbookDoc, StepDoc } from '../schema.js';
import { durationMs, formatDuration, MAX_DURATION_MS } from '../duration.js';
import type { Reporter } from './context.js';

const LIMIT = `${MAX_DURATION_MS / 3_600_000}h`;

export function checkDurations(doc: RunbookDoc, report: Reporter): void {
  doc.steps.forEach((step, i) => {
    for (const [path, value] of durationsOf(step)) {
      if (value === undefined) continue;
      const ms = durationMs(value);
      if (ms === undefined || ms > MAX_DURATION_MS) {
        report.error('duration-too-long', `/steps/${i}/${path}`, `${path.replace(/\//g, '.')} ${formatDuration(value)} in step '${step.id}' is over the ${LIMIT} limit for any duration`);
      }
    }
  });
}

function durationsOf(step: StepDoc): [string, string | number | undefined][] {
  return [
    ['timeout', step.timeout], ['retry/backoff', step.retry?.backoff], ['with/timeout', step.with?.timeout],
    ['wait/every', step.wait?.every], ['wait/for', step.wait?.for], ['wait/with/timeout', step.wait?.with?.timeout],
  ];
}
