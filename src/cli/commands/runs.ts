// `runbook runs`: the store's active and recent runs in 80 columns, those waiting at a gate first (a teammate
// looks for the one that needs them), then running ones, then by last heard from. `--json` has every field.
import { openStore, requireStoreUrl } from '../../store/open.js';
import { say, sayJson, sayRows } from '../say.js';
import { displayWidth, padWidth, truncateWidth } from '../../common/display-width.js';
import { flatRow } from '../../ui/flat-row.js';

export interface RunRow {
  run_id: string; runbook: string; operator: string; driver: string; driver_host: string; state: string;
  current_step: string | null; waiting_gate: string | null; started_at: Date; heard_at: Date;
}

export async function runsCommand(opts: { store?: string; json?: boolean }): Promise<number> {
  const client = await openStore(requireStoreUrl(opts.store));
  let rows: RunRow[];
  try {
    rows = await client.query<RunRow>(`SELECT run_id, runbook, operator, driver, driver_host, state, current_step, waiting_gate, started_at, heard_at
      FROM runbook.runs ORDER BY (waiting_gate IS NOT NULL AND state = 'running') DESC, (state = 'running') DESC, heard_at DESC LIMIT 50`);
  } finally { await client.end(); }
  if (opts.json) { sayJson(rows); return 0; }
  if (!rows.length) { say('no runs in the store yet\n'); return 0; }
  sayRows(runsTable(rows), 10);
  return 0;
}

/** Column, and the most characters it takes: 8 + 16 + 12 + 11 + 16 + 7 and five gaps of 2 make 80 at most. */
const COLUMNS: [string, number][] = [['RUN', 8], ['RUNBOOK', 16], ['DRIVER', 12], ['STATE', 11], ['AT', 16], ['HEARD', 7]];

/** The table's lines: the run id's first 8 characters (enough for follow, approve and resume), the driver's
 *  store role (with the operator who started it when another role drives now), and where the run is. */
export function runsTable(rows: RunRow[], now = Date.now()): string[] {
  const cells = rows.map((r) => [
    r.run_id.slice(0, 8), r.runbook, r.driver === r.operator ? r.driver : `${r.driver}<${r.operator}`, r.state,
    r.waiting_gate && r.state === 'running' ? `gate ${r.waiting_gate}` : r.current_step ?? '', ago(r.heard_at, now),
  ]);
  // A cell is what the store holds (any role, runbook or step name): one row, its breaks drawn, cut in columns.
  const table = [COLUMNS.map(([name]) => name), ...cells.map((row) => row.map((c, i) => truncateWidth(flatRow(c), COLUMNS[i]![1])))];
  const widths = COLUMNS.map((_, i) => Math.max(...table.map((row) => displayWidth(row[i]!))));
  return table.map((row) => row.map((c, i) => padWidth(c, widths[i]!)).join('  ').trimEnd());
}

function ago(at: Date, now: number): string {
  const s = Math.max(0, Math.round((now - at.getTime()) / 1000));
  return s < 90 ? `${s}s ago` : s < 5400 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}
