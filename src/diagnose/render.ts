// The human form of a diagnosis: one line per layer, the finding, and the command to run next.
import type { Diagnosis } from './types.js';

const MARK: Record<string, string> = { ok: '✓', failed: '✗', warn: '!', skipped: '·' };

export function renderDiagnosis(d: Diagnosis, canRun: boolean): string {
  const lines = [`Diagnosing ${d.url} (${d.source})`, ''];
  for (const c of d.checks) {
    const time = c.durationMs !== undefined && c.status !== 'skipped' ? ` [${c.durationMs} ms]` : '';
    lines.push(`  ${MARK[c.status] ?? '?'} ${c.layer.padEnd(8)} ${c.summary}${time}`);
  }
  const phases = phaseLine(d);
  if (phases) lines.push('', `Phases:   ${phases}`);
  lines.push('', `Finding:  ${d.scenario === d.classification || d.scenario === 'healthy' ? d.scenario : `${d.scenario} (${d.classification})`} - ${d.finding}`);
  if (d.runbook) {
    lines.push(`Next:     runbook run ${d.runbook}   (takes the URL from DATABASE_URL or --input url=…)`);
    if (canRun) lines.push('          or: runbook diagnose --run   (starts it with this URL)');
  }
  return `${lines.join('\n')}\n`;
}

const PHASES: [keyof Diagnosis['phases'], string][] = [['dnsMs', 'DNS'], ['tcpMs', 'TCP'], ['tlsMs', 'TLS'], ['loginMs', 'login'], ['firstQueryMs', 'first query']];

/** "DNS 1 ms · TCP 2 ms · … (the client gives up at 2000 ms: connect_timeout=2)". */
function phaseLine(d: Diagnosis): string {
  const parts = PHASES.filter(([k]) => d.phases?.[k] !== undefined).map(([k, name]) => `${name} ${String(d.phases[k])} ms`);
  const limit = d.phases?.clientTimeoutMs !== undefined ? ` (the client gives up at ${d.phases.clientTimeoutMs} ms: ${d.phases.clientTimeoutFrom ?? ''})` : '';
  return parts.length ? `${parts.join(' · ')}${limit}` : '';
}
