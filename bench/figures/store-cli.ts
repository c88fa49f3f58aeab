// Issue #34, the team store as the driver sees it, through the built CLI (`run --plain`), each against the
// same run without a store in the same rounds: start-up (spawn to the first step's start line), the pace of a
// run of many short steps with the store up, refusing, and silent (accepting TCP, never answering), and the
// approval round trip at a four-eyes gate. The pace is the run's own span in its transcript (run-started to
// run-finished, `ts` of each line): what the operator waits for, without the process's exit (which waits up
// to 3 s for the last uploads when the store is down).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type BenchContext } from '../lib/context.js';
import { shellRunbook } from '../lib/runbooks.js';
import { median, paired } from '../lib/stats.js';
import { startCli, timeToLine, transcriptLines, tsMs, until, type BenchStore } from '../lib/store-lab.js';
import { ms, type Row } from '../lib/table.js';

/** Long enough that the store's one-time costs (loading pg, ~20 ms; connect, SCRAM, claim) weigh little, short
 *  enough for the rounds a noisy machine needs within the bench's two minutes. */
const PACE_STEPS = 120;

/** Preloaded into a measured run: writes its CPU time at exit (user + system, µs) to $BENCH_CPU_FILE. */
const MAXRSS = join(ROOT, 'bench', 'lib', 'maxrss.mjs');

const FOUR_EYES = `name: bench-four-eyes
title: A step a second person approves
steps:
  - id: look
    shell: "true"
  - id: terminate
    destructive: true
    approval: { by: another-person }
    blast_radius: nothing (a benchmark)
    shell: "true"
  - id: done
    end: resolved
`;

export interface Where { dir: string; state: Record<string, string>; next(): string }

export function where(ctx: BenchContext, name: string): Where {
  const dir = join(ctx.scratch, name);
  mkdirSync(dir, { recursive: true });
  let n = 0;
  // Each run its own transcript; the CLI's per-user run state in the scratch folder, not the user's.
  return { dir, state: { XDG_STATE_HOME: join(dir, 'state') }, next: () => join(dir, `t-${n++}.jsonl`) };
}

/** Spawn to the first step's start line on stdout, with and without a store: wall time, and the CLI's CPU time. */
export async function startUp(ctx: BenchContext, store: BenchStore): Promise<Row[]> {
  const w = where(ctx, 'store-start');
  const file = join(w.dir, 'two.yaml');
  writeFileSync(file, shellRunbook(2));
  const cpu = { store: [] as number[], none: [] as number[] };
  const first = (extra: Record<string, string>, into: number[]) => async () => {
    const r = await timeToLine(['run', file, '--plain', '--transcript', w.next()], { ...w.state, ...extra }, w.dir, /^start\s+s1 /m);
    into.push(r.cpuMs);
    return r.ms;
  };
  const p = await paired(ctx.rounds, first({}, cpu.none), first({ RUNBOOK_STORE: store.url('alice') }, cpu.store), 2);
  const diff = median(p.diffs);
  const cpuDiffs = cpu.store.slice(2).map((c, i) => c - cpu.none[i + 2]!); // the warm-up rounds left out, as paired() does
  const cpuDiff = median(cpuDiffs);
  ctx.log(`start-up with a store: ${diff.toFixed(1)} ms wall, ${cpuDiff.toFixed(1)} ms CPU`);
  const plus = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} ms`;
  return [
    {
      id: 'store-start', figure: 'team store: spawn to the first step, store configured', value: ms(median(p.subject)),
      anchor: `no store: ${ms(median(p.anchor))}`, ratio: plus(diff), target: '≤ +5 ms',
      met: diff <= 5, metric: diff, samples: { storeMs: p.subject, noStoreMs: p.anchor, diffMs: p.diffs },
    },
    {
      id: 'store-start-cpu', figure: 'team store: CLI CPU time to the first step, store configured', value: ms(median(cpu.store)),
      anchor: `no store: ${ms(median(cpu.none))}`, ratio: plus(cpuDiff), target: '≤ +5 ms',
      met: cpuDiff <= 5, metric: cpuDiff, samples: { storeCpuMs: cpu.store, noStoreCpuMs: cpu.none }, note: 'the CLI\'s own CPU (user + system) when it wrote the first step\'s line: steadier than wall time on a shared machine',
    },
  ];
}

type PaceMode = 'none' | 'up' | 'refusing' | 'silent';

/** One run of the many-step runbook: its span (ms), how many lines its transcript has, and (`cpu`: the process
 *  exits by itself, the last uploads included) its CPU time; else it is killed once the run has finished. */
async function paceRun(w: Where, file: string, url: string | undefined, cpu: boolean): Promise<{ span: number; events: number; cpu: number }> {
  const transcript = w.next();
  const cpuFile = `${transcript}.cpu`;
  const cli = startCli(['run', file, '--plain', '--transcript', transcript], { ...w.state, ...(url ? { RUNBOOK_STORE: url } : {}), BENCH_CPU_FILE: cpuFile },
    w.dir, 60_000, cpu ? ['--import', MAXRSS] : []);
  try {
    const lines = await until(() => {
      const ls = transcriptLines(transcript);
      return ls.some((l) => l.type === 'run-finished') ? ls : undefined;
    }, `run-finished in ${transcript} (stderr: ${cli.err().slice(-300)})`, 60_000, 20);
    const started = lines.find((l) => l.type === 'run-started');
    const finished = lines.find((l) => l.type === 'run-finished');
    if (finished?.outcome !== 'resolved') throw new Error(`the pace run ended ${String(finished?.outcome)}: ${cli.err().slice(-300)}`);
    if (cpu && await cli.exit !== 0) throw new Error(`the pace run exited non-zero: ${cli.err().slice(-300)}`);
    return { span: tsMs(finished) - tsMs(started), events: lines.length, cpu: cpu ? Number(readFileSync(cpuFile, 'utf8')) / 1000 : Number.NaN };
  } finally {
    cli.stop();
  }
}

/** The many-step run in four modes per round (the order rotating): per-event overhead, and pace during an outage. */
export async function pace(ctx: BenchContext, store: BenchStore): Promise<Row[]> {
  const w = where(ctx, 'store-pace');
  const file = join(w.dir, 'many.yaml');
  writeFileSync(file, shellRunbook(PACE_STEPS));
  // The same with two steps: what the store costs a run once (pg loaded, connect, SCRAM, claim, the last upload),
  // subtracted from the long run's to leave the cost per event.
  const short = join(w.dir, 'two.yaml');
  writeFileSync(short, shellRunbook(2));
  const once: Record<'none' | 'up', number[]> = { none: [], up: [] };
  let shortEvents = 0;
  const urls: Record<PaceMode, string | undefined> = {
    none: undefined, up: store.url('alice'), refusing: store.url('alice', store.refusing.port), silent: store.url('alice', store.silent.port),
  };
  const modes = Object.keys(urls) as PaceMode[];
  const rounds = Math.max(3, Math.ceil(ctx.rounds / 2));
  const spans: Record<PaceMode, number[]> = { none: [], up: [], refusing: [], silent: [] };
  const cpus: Record<PaceMode, number[]> = { none: [], up: [], refusing: [], silent: [] };
  let events = 0;
  for (let r = -1; r < rounds; r++) { // round -1 warms up
    const order = modes.map((_, i) => modes[(i + Math.max(r, 0)) % modes.length]!);
    for (const m of order) {
      const one = await paceRun(w, file, urls[m], m === 'none' || m === 'up');
      const two = m === 'none' || m === 'up' ? await paceRun(w, short, urls[m], true) : undefined;
      if (r < 0) continue;
      if (two) { once[m as 'none' | 'up'].push(two.cpu); shortEvents = two.events; }
      spans[m].push(one.span);
      cpus[m].push(one.cpu);
      events = one.events;
    }
  }
  const per = (m: PaceMode) => spans[m].map((s, i) => s / spans.none[i]!);
  const overhead = spans.up.map((s, i) => (s - spans.none[i]!) / events);
  const perEvent = median(overhead);
  const cpuOverhead = cpus.up.map((c, i) => (c - cpus.none[i]!) / events);
  const cpuPerEvent = median(cpuOverhead);
  const marginal = cpus.up.map((c, i) => ((c - cpus.none[i]!) - (once.up[i]! - once.none[i]!)) / (events - shortEvents));
  const cpuMarginal = median(marginal);
  const cpuOnce = median(once.up.map((c, i) => c - once.none[i]!));
  const none = median(spans.none);
  ctx.log(`per-event overhead: ${perEvent.toFixed(3)} ms; outage ratios ${median(per('refusing')).toFixed(3)}, ${median(per('silent')).toFixed(3)}`);
  const samples = { noStoreMs: spans.none, upMs: spans.up, refusingMs: spans.refusing, silentMs: spans.silent };
  const outage = (m: 'refusing' | 'silent', what: string): Row => {
    const ratio = median(per(m));
    return {
      id: `store-outage-${m}`, figure: `team store: pace while the store ${what} (${PACE_STEPS} steps)`, value: ms(median(spans[m])),
      anchor: `no store: ${ms(none)}`, ratio: `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %`, target: '≤ +5 %', met: ratio <= 1.05, metric: ratio,
      samples: { [`${m}Ms`]: spans[m], ratios: per(m) }, // the no-store spans are the per-event row's
    };
  };
  return [
    {
      id: 'store-per-event', figure: `team store: driver overhead per event, store up (${PACE_STEPS} steps, ${events} events)`,
      value: ms(median(spans.up)), anchor: `no store: ${ms(none)}`, ratio: `${perEvent >= 0 ? '+' : ''}${perEvent.toFixed(3)} ms/event`,
      target: '≤ +0.2 ms/event', met: perEvent <= 0.2, metric: perEvent, samples: { ...samples, overheadMsPerEvent: overhead },
      note: 'the whole difference divided by the events: the one-time costs (pg loaded, connect, claim) are in it',
    },
    {
      id: 'store-per-event-cpu', figure: 'team store: driver CPU time per event, store up', value: ms(median(cpus.up)),
      anchor: `no store: ${ms(median(cpus.none))}`, ratio: `${cpuPerEvent >= 0 ? '+' : ''}${cpuPerEvent.toFixed(3)} ms/event`,
      target: '≤ +0.2 ms/event', met: cpuPerEvent <= 0.2, metric: cpuPerEvent, samples: { upCpuMs: cpus.up, noStoreCpuMs: cpus.none, overheadMsPerEvent: cpuOverhead },
      note: 'the CLI process\'s own CPU (user + system), spawn to exit, the last uploads included: what the store costs the driver, whatever else loads the machine',
    },
    {
      id: 'store-per-event-cpu-marginal', figure: `team store: driver CPU time per event, store up, less a 2-step run's (${events - shortEvents} events)`,
      value: `${cpuMarginal.toFixed(3)} ms/event`, anchor: `once per run: +${cpuOnce.toFixed(0)} ms`, ratio: `${cpuMarginal >= 0 ? '+' : ''}${cpuMarginal.toFixed(3)} ms/event`,
      target: '≤ +0.2 ms/event', met: cpuMarginal <= 0.2, metric: cpuMarginal,
      samples: { shortUpCpuMs: once.up, shortNoStoreCpuMs: once.none, marginalMsPerEvent: marginal },
      note: 'the cost per event without the one-time costs: the long run\'s CPU difference less the 2-step run\'s, per extra event',
    },
    outage('refusing', 'refuses connections'),
    outage('silent', 'accepts TCP and never answers'),
  ];
}

/** A four-eyes gate: bob's decision (the same SQL `runbook approve` sends) to the driver's gate released (its
 *  confirmation-answered line); and, informational, the whole `runbook approve` command from its spawn. */
export async function approval(ctx: BenchContext, store: BenchStore): Promise<Row[]> {
  const w = where(ctx, 'store-approval');
  const file = join(w.dir, 'four-eyes.yaml');
  writeFileSync(file, FOUR_EYES);
  const bob = await store.as('bob');
  const rounds = Math.max(3, Math.ceil(ctx.rounds / 3));
  const viaSql: number[] = [];
  const viaCli: number[] = [];
  try {
    for (let r = 0; r < rounds * 2; r++) {
      const transcript = w.next();
      const driver = startCli(['run', file, '--plain', '--transcript', transcript], { ...w.state, RUNBOOK_STORE: store.url('alice') }, w.dir);
      try {
        // "may approve" is said once the gate's connection LISTENs and has read the run: the gate waits.
        await until(() => (/may approve:/.test(driver.err()) ? true : undefined), `the four-eyes gate (stderr: ${driver.err().slice(-300)})`);
        const runId = String(transcriptLines(transcript)[0]?.runId);
        // The gate visit the run waits at, as `runbook approve` reads it (runs.waiting_visit) before deciding.
        const visit = await until(async () => (await bob.query<{ v: string | null }>('SELECT waiting_visit AS v FROM runbook.runs WHERE run_id = $1', [runId]))[0]?.v ?? undefined, 'the gate visit in the store');
        const t0 = Date.now();
        if (r % 2 === 0) {
          await bob.query('SELECT runbook.decide($1, $2, $3, $4, $5)', [runId, 'terminate', visit, 'approved', null]);
        } else {
          startCli(['approve', runId, 'terminate', '--yes'], { ...w.state, RUNBOOK_STORE: store.url('bob') }, w.dir);
        }
        const answered = await until(() => transcriptLines(transcript).find((l) => l.type === 'confirmation-answered'), 'the gate to be released');
        (r % 2 === 0 ? viaSql : viaCli).push(tsMs(answered) - t0);
      } finally {
        driver.stop();
      }
    }
  } finally {
    await bob.end();
  }
  const rtt = median(viaSql);
  ctx.log(`approval round trip: ${rtt.toFixed(1)} ms (runbook approve from spawn: ${median(viaCli).toFixed(0)} ms)`);
  return [
    {
      id: 'store-approval', figure: 'team store: approval round trip (decision sent → gate released)', value: ms(rtt),
      anchor: '—', ratio: '—', target: '≤ 100 ms', met: rtt <= 100, metric: rtt, samples: { ms: viaSql },
    },
    {
      id: 'store-approve-cli', figure: 'team store: `runbook approve --yes` spawned → gate released', value: ms(median(viaCli)),
      anchor: '—', ratio: '—', target: '—', met: null, metric: median(viaCli), samples: { ms: viaCli },
      note: 'includes the approve command\'s own node start-up and connect; the round trip proper is the row above',
    },
  ];
}
