// Findings and their summary as text for the operator, and as the documented JSON (docs/explain.md).
import type { Finding } from './finding.js';
import { handoverOf, type Handover } from './handover.js';
import type { Group, Summary } from './summary.js';

const LABEL: Record<string, string> = { 'app-pool-timeout': "the application's pool timed out waiting for a connection" };

const timeRange = (g: Group): string => (g.first ? ` ${g.first}${g.last && g.last !== g.first ? ` – ${g.last}` : ''}` : '');

/** Lines for one kind of error: what, from where, why, then what to run. */
export function renderGroup(g: Group): string[] {
  const f = g.example;
  const h = handoverOf(f);
  const what = LABEL[f.class] ?? f.class;
  return [
    `${g.count} × ${what} — from the ${f.side}${f.stack ? ` (${f.stack})` : ''}${timeRange(g)}`,
    `  recognised: ${f.why}`,
    `  first at line ${f.line}: ${f.excerpt}`,
    ...handoverLines(h),
  ];
}

function handoverLines(h: Handover): string[] {
  return [
    ...(h.command ? [`  run: ${h.command}`] : []),
    ...(h.tellApart ? [`  note: ${h.tellApart}`] : []),
    ...(h.note ? [`  note: ${h.note}`] : []),
    ...(h.fromPid ? [`  from the application: ${h.fromPid}   (it logged this and runs here: the same probes from its network namespace, resolver and hosts file)`] : []),
  ];
}

/** The summary's rows: a row each, never joined, so an excerpt of the log is one row whatever it holds. */
export function summaryRows(s: Summary): string[] {
  const groups = s.list();
  if (groups.length === 0) return [`No database connection error recognised in ${s.records} record(s). docs/explain.md lists what is recognised; \`runbook diagnose <url>\` probes the connection itself.`];
  const more = s.overflow ? [`(and ${s.overflow} more of kinds past the first 500)`] : [];
  const rows = [...groups.flatMap((g) => [...renderGroup(g), '']), ...more];
  return rows[rows.length - 1] === '' ? rows.slice(0, -1) : rows;
}

export interface ExplainJson {
  records: number;
  errors: { class: string; side: string; stack: string | null; why: string; count: number; first: string | null; last: string | null;
    line: number; excerpt: string; facts: Finding['facts']; runbook: string | null; command: string | null; tellApart: string | null; note: string | null;
    fromPid: string | null }[];
}

export function summaryJson(s: Summary): ExplainJson {
  return {
    records: s.records,
    errors: s.list().map((g) => {
      const f = g.example;
      const h = handoverOf(f);
      return { class: f.class, side: f.side, stack: f.stack ?? null, why: f.why, count: g.count, first: g.first ?? null, last: g.last ?? null,
        line: f.line, excerpt: f.excerpt, facts: f.facts, runbook: h.runbook, command: h.command ?? null, tellApart: h.tellApart ?? null, note: h.note ?? null,
        fromPid: h.fromPid ?? null };
    }),
  };
}
