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
      if (ms === 0 && ZERO[path]) {
        report.error('duration-zero', `/steps/${i}/${path}`, `${path.replace(/\//g, '.')} ${formatDuration(value)} in step '${step.id}' ${ZERO[path]}`);
        continue;
      }
      if (ms === undefined || ms > MAX_DURATION_MS) {
        report.error('duration-too-long', `/steps/${i}/${path}`, `${path.replace(/\//g, '.')} ${formatDuration(value)} in step '${step.id}' is over the ${LIMIT} limit for any duration`);
      }
    }
  });
}

/** A zero that would do harm, and what to write instead. Decided: timeout 0 is an error, not "no limit" as
 *  PostgreSQL's statement_timeout reads it — a step here always has a limit (the default 60s when none is given),
 *  and a DBA who writes 0 meaning "none" must not get a step stopped at once, nor one that can hang an incident. */
const ZERO: Record<string, string> = {
  timeout: 'would stop the step the moment it starts (PostgreSQL reads 0 as no limit; here every step has one): give the longest it may take, e.g. 5m (at most 24h), or leave timeout out for the default 60s',
  'with/timeout': 'would stop the step the moment it starts: give the longest it may take, e.g. 5m, or leave it out',
  'wait/every': 'would poll without a pause, hundreds of times a second: give the interval between polls, e.g. 5s',
  'wait/for': 'would give up before the first poll: give how long to wait, e.g. 5m',
  'wait/with/timeout': 'would stop each poll the moment it starts: give the longest a poll may take, e.g. 10s, or leave it out',
};

function durationsOf(step: StepDoc): [string, string | number | undefined][] {
  return [
    ['timeout', step.timeout], ['retry/backoff', step.retry?.backoff], ['with/timeout', step.with?.timeout],
    ['wait/every', step.wait?.every], ['wait/for', step.wait?.for], ['wait/with/timeout', step.wait?.with?.timeout],
  ];
}
