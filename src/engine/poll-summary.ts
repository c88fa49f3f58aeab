// What one poll of a wait step saw, in one line for the screen and the transcript: an operator watching a
// wait needs to know whether it is getting closer ("0 rows" → "1 row") or failing the same way every time.
import { plural } from '../common/plural.js';
import type { StepResult } from '../executors/types.js';

const MAX = 120;

export function pollSummary(r: StepResult): string {
  return clip(describe(r).replace(/\s+/g, ' ').trim());
}

function describe(r: StepResult): string {
  if (r.status !== 'ok') {
    const cls = r.classification && r.classification !== 'other' ? ` (${r.classification})` : '';
    return `${r.status}${cls}${r.error ? `: ${r.error}` : ''}`;
  }
  if (r.rowCount !== undefined) {
    const first = r.rows?.[0] ? Object.values(r.rows[0])[0] : undefined;
    return `${plural(r.rowCount, 'row')}${first !== undefined ? `, first: ${String(first)}` : ''}`;
  }
  const line = r.stdout?.trimEnd().split('\n').pop();
  if (line) return `output: ${line}`;
  if (r.classification && r.classification !== 'ok') return r.classification;
  return r.exitCode !== undefined && r.exitCode !== null ? `exit code ${r.exitCode}, no output` : 'ok';
}

const clip = (s: string): string => (s.length <= MAX ? s : `${s.slice(0, MAX - 1)}…`);
