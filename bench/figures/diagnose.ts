// Figure 5: `diagnose` against real faults from the lab (PostgreSQL, loopback only): how long until the
// operator is told what broke. In process (what the command spends once loaded), and the whole CLI
// from a cold start.
import { diagnose } from '../../src/diagnose/diagnose.js';
import { injectFault, type FaultKind, type InjectedFault } from '../../src/lab/index.js';
import { LAUNCH, NODE, ROOT, childEnv, type BenchContext } from '../lib/context.js';
import { timeToExit } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { ms, type Row } from '../lib/table.js';

const TIMEOUT_MS = 1000; // the connect timeout diagnose is given (--timeout 1s)
const FAST_MS = 300;
const FAULTS: [FaultKind, string, string][] = [
  ['refused', 'refused', 'refused (nothing listens)'],
  ['timeout', 'timeout', 'silent server (accepts TCP, never answers)'],
  ['auth', 'auth', 'wrong password'],
  ['ssl-required', 'ssl-required', 'TLS required'],
  ['too-many-connections', 'too-many-connections', 'too many connections'],
];

export async function diagnoseFaults(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const rounds = Math.max(3, Math.round(ctx.rounds / 3));
  const cliRounds = Math.max(3, Math.round(ctx.rounds / 4));
  for (const [kind, expected, label] of FAULTS) {
    ctx.log(`diagnose: injecting ${kind}…`);
    let fault: InjectedFault | undefined;
    try {
      fault = await injectFault(kind, 'postgres');
      const url = fault.url;
      const once = async () => {
        const started = performance.now();
        const d = await diagnose({ url, from: 'bench' }, { timeoutMs: TIMEOUT_MS });
        const elapsed = performance.now() - started;
        if (d.classification !== expected) throw new Error(`diagnose ${kind}: got ${d.classification}, expected ${expected}`);
        return elapsed;
      };
      await once(); // warm-up: loads pg, warms the JIT
      const inProcess: number[] = [];
      for (let i = 0; i < rounds; i++) inProcess.push(await once());
      const cli: number[] = [];
      for (let i = 0; i < cliRounds; i++) {
        const r = await timeToExit(NODE, [...LAUNCH, 'diagnose', url, '--json', '--timeout', `${TIMEOUT_MS}ms`], { env: childEnv(), cwd: ROOT, limitMs: 30_000 });
        if (!r.output.includes(`"classification": "${expected}"`)) throw new Error(`runbook diagnose ${kind}: unexpected output\n${r.output}`);
        cli.push(r.ms);
      }
      const limit = kind === 'timeout' ? TIMEOUT_MS + 200 : FAST_MS;
      const value = median(inProcess);
      rows.push({
        id: `diagnose-${kind}`, figure: `diagnose: ${label}`, value: ms(value),
        anchor: `whole CLI, cold: ${ms(median(cli))}`, ratio: '—',
        target: kind === 'timeout' ? `≤ timeout (${TIMEOUT_MS} ms) + 200 ms` : `≤ ${FAST_MS} ms`,
        met: value <= limit, metric: value, samples: { inProcessMs: inProcess, cliMs: cli },
      });
      ctx.log(`diagnose ${kind}: ${ms(value)} in process, ${ms(median(cli))} CLI`);
    } finally {
      await fault?.cleanup();
    }
  }
  return rows;
}
