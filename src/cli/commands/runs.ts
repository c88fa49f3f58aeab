// `runbook runs`: the store's active and recent runs, newest activity first.
import { openStore, requireStoreUrl } from '../../store/open.js';
import { say, sayJson } from '../say.js';

interface RunRow {
  run_id: string; runbook: string; operator: string; driver: string; driver_host: string; state: string;
  current_step: string | null; waiting_gate: string | null; started_at: Date; heard_at: Date;
}

export async function runsCommand(opts: { store?: string; json?: boolean }): Promise<number> {
  const client = await openStore(requireStoreUrl(opts.store));
  let rows: RunRow[];
  try {
    rows = await client.query<RunRow>(`SELECT run_id, runbook, operator, driver, driver_host, state, current_step, waiting_gate, started_at, heard_at
      FROM runbook.runs ORDER BY (state = 'running') DESC, heard_at DESC LIMIT 50`);
  } finally { await client.end(); }
  if (opts.json) { sayJson(rows); return 0; }
  if (!rows.length) { say('no runs in the store yet\n'); return 0; }
  const table = [['RUN', 'RUNBOOK', 'OPERATOR', 'DRIVER', 'STATE', 'STEP', 'WAITING', 'LAST HEARD'],
    ...rows.map((r) => [r.run_id, r.runbook, r.operator, `${r.driver}@${r.driver_host}`, r.state, r.current_step ?? '', r.waiting_gate ? `gate ${r.waiting_gate}` : '', ago(r.heard_at)])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) say(`${row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
  return 0;
}

function ago(at: Date): string {
  const s = Math.max(0, Math.round((Date.now() - at.getTime()) / 1000));
  return s < 90 ? `${s}s ago` : s < 5400 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}
