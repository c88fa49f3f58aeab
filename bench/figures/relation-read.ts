// Stop 81 (issue #51): what a proven PostgreSQL read of a relation costs the server over a read of none. One
// session (the engine's own, db/open.ts) on a lab PostgreSQL over loopback: 150 reads of a one-column view, then
// 150 of `SELECT 1`, alternating per round; the server's CPU is its backend's utime + stime (/proc/<pid>/stat), so
// the figure is the server's work, not the load's wait. Informational: the lever was the relations' questions,
// prepared once per session (db/pg-relation-questions.ts).
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import type { Session } from '../../src/db/session.js';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../../test/db/helpers.js';
import type { BenchContext } from '../lib/context.js';
import { median } from '../lib/stats.js';
import { ms, type Row } from '../lib/table.js';

const READS = 150;
/** clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICK_MS = 10;

function backendCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

async function reads(s: Session, pid: number, sql: string): Promise<{ wall: number; cpu: number }> {
  const cpu = backendCpuMs(pid);
  const started = performance.now();
  for (let i = 0; i < READS; i++) await s.query(sql, [], { readOnly: true, signal: AbortSignal.timeout(60_000) });
  return { wall: (performance.now() - started) / READS, cpu: (backendCpuMs(pid) - cpu) / READS };
}

export async function relationRead(ctx: BenchContext): Promise<Row[]> {
  let server: LabServer | undefined;
  try {
    ctx.log('starting a lab PostgreSQL…');
    server = await startPostgres();
    await adminQuery(server, 'CREATE TABLE public.bench_t (id int PRIMARY KEY, x text); CREATE VIEW public.bench_v AS SELECT x FROM public.bench_t; GRANT SELECT ON public.bench_t, public.bench_v TO PUBLIC');
    const s = await openSession(parseUrl(server.url()), { timeoutMs: 20_000, signal: AbortSignal.timeout(60_000) });
    try {
      const { backend } = await s.serverSession(AbortSignal.timeout(20_000));
      const load = [loadavg()[0]!];
      await reads(s, backend, 'SELECT x FROM bench_v'); // warm-up: the questions prepared, the caches filled
      const view: { wall: number; cpu: number }[] = [];
      const one: { wall: number; cpu: number }[] = [];
      for (let i = 0; i < Math.max(3, Math.round(ctx.rounds / 3)); i++) {
        view.push(await reads(s, backend, 'SELECT x FROM bench_v'));
        one.push(await reads(s, backend, 'SELECT 1'));
      }
      load.push(loadavg()[0]!);
      const extra = median(view.map((v, i) => v.cpu - one[i]!.cpu));
      return [{
        id: 'relation-read', figure: `server CPU per proven read of a view (${READS} reads a round, one session)`, value: ms(median(view.map((v) => v.cpu))),
        anchor: `SELECT 1: ${ms(median(one.map((v) => v.cpu)))}`, ratio: `${extra >= 0 ? '+' : ''}${extra.toFixed(1)} ms/read`,
        target: '—', met: null, metric: extra,
        samples: { viewCpuMs: view.map((v) => v.cpu), oneCpuMs: one.map((v) => v.cpu), viewWallMs: view.map((v) => v.wall), oneWallMs: one.map((v) => v.wall) },
        note: `wall per read: view ${ms(median(view.map((v) => v.wall)))}, SELECT 1 ${ms(median(one.map((v) => v.wall)))}; load ${load.map((l) => l.toFixed(1)).join(' → ')}`,
      }];
    } finally { await s.close(); }
  } finally {
    await server?.stop();
  }
}
