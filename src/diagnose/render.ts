// The human form of a diagnosis: one line per layer, the finding, and the command to run next.
import type { Diagnosis } from './types.js';

const MARK: Record<string, string> = { ok: '✓', failed: '✗', warn: '!', skipped: '·' };

export function renderDiagnosis(d: Diagnosis, canRun: boolean): string {
  return `${diagnosisRows(d, canRun).join('\n')}\n`;
}

/** The diagnosis a row each: a server's message or a host's name in a row is one row whatever it holds. */
export function diagnosisRows(d: Diagnosis, canRun: boolean): string[] {
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
  return lines;
}

type TimedPhase = 'dnsMs' | 'tcpMs' | 'greetingMs' | 'tlsMs' | 'authMs' | 'startupMs' | 'loginMs' | 'firstQueryMs';
const PHASES: [TimedPhase, string][] = [
  ['dnsMs', 'DNS'], ['tcpMs', 'TCP'], ['greetingMs', 'greeting'], ['tlsMs', 'TLS'], ['authMs', 'auth'], ['startupMs', 'backend start'],
  ['loginMs', 'login in all'], ['firstQueryMs', 'first query'],
];

/** "DNS 1 ms · TCP 2 ms · … · stopped in auth after 3012 ms (the client gives up at 2000 ms: connect_timeout=2)". */
function phaseLine(d: Diagnosis): string {
  const p = d.phases ?? {};
  const parts = PHASES.filter(([k]) => p[k] !== undefined).map(([k, name]) => `${name} ${String(p[k])} ms`);
  if (p.stalledIn) parts.push(`stopped in ${p.stalledIn} after ${String(p.stalledMs)} ms`);
  const limit = p.clientTimeoutMs !== undefined ? ` (the client gives up at ${p.clientTimeoutMs} ms: ${p.clientTimeoutFrom ?? ''})` : '';
  return parts.length ? `${parts.join(' · ')}${limit}` : '';
}
