// The human form of a diagnosis: one line per layer, the finding, and the command to run next.
import type { Diagnosis } from './types.js';

const MARK: Record<string, string> = { ok: '✓', failed: '✗', warn: '!', skipped: '·' };

export function renderDiagnosis(d: Diagnosis, canRun: boolean): string {
  const lines = [`Diagnosing ${d.url} (${d.source})`, ''];
  for (const c of d.checks) {
    const time = c.durationMs !== undefined && c.status !== 'skipped' ? ` [${c.durationMs} ms]` : '';
    lines.push(`  ${MARK[c.status] ?? '?'} ${c.layer.padEnd(8)} ${c.summary}${time}`);
  }
  lines.push('', `Finding:  ${d.scenario === d.classification || d.scenario === 'healthy' ? d.scenario : `${d.scenario} (${d.classification})`} - ${d.finding}`);
  if (d.runbook) {
    lines.push(`Next:     runbook run ${d.runbook}   (takes the URL from DATABASE_URL or --input url=…)`);
    if (canRun) lines.push('          or: runbook diagnose --run   (starts it with this URL)');
  }
  return `${lines.join('\n')}\n`;
}
