// Issue #34, the team store as the driver sees it, through the built CLI (`run --plain`), each against the
// same run without a store in the same rounds: start-up (spawn to the first step's start line), the pace of a
// run of many short steps with the store up, refusing, and silent (accepting TCP, never answering), and the
// approval round trip at a four-eyes gate. The pace is the run's own span in its transcript (run-started to
// run-finished, `ts` of each line): what the operator waits for, without the process's exit (which waits up
// to 3 s for the last uploads when the store is down).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, NODE, childEnv, type BenchContext } from '../lib/context.js';
import { timeToOutput } from '../lib/proc.js';
import { shellRunbook } from '../lib/runbooks.js';
import { median, paired } from '../lib/stats.js';
import { startCli, transcriptLines, tsMs, until, type BenchStore } from '../lib/store-lab.js';
import { ms, type Row } from '../lib/table.js';

const PACE_STEPS = 40;

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

/** Spawn to the first step's start line on stdout, with and without a store. */
export async function startUp(ctx: BenchContext, store: BenchStore): Promise<Row> {
  const w = where(ctx, 'store-start');
  const file = join(w.dir, 'two.yaml');
  writeFileSync(file, shellRunbook(2));
  const first = (extra: Record<string, string>) => async () =>
    (await timeToOutput(NODE, [BIN, 'run', file, '--plain', '--transcript', w.next()], /^start\s+s1 /m, { env: childEnv({ ...w.state, ...extra }), cwd: w.dir })).ms;
  const p = await paired(ctx.rounds, first({}), first({ RUNBOOK_STORE: store.url('alice') }), 2);
  const diff = median(p.diffs);
  ctx.log(`start-up with a store: ${diff.toFixed(1)} ms`);
  return {
    id: 'store-start', figure: 'team store: spawn to the first step, store configured', value: ms(median(p.subject)),
    anchor: `no store: ${ms(median(p.anchor))}`, ratio: `${diff >= 0 ? '+' : ''}${diff.toFixed(1)} ms`, target: '≤ +5 ms',
    met: diff <= 5, metric: diff, samples: { storeMs: p.subject, noStoreMs: p.anchor, diffMs: p.diffs },
  };
}

type PaceMode = 'none' | 'up' | 'refusing' | 'silent';

/** One run of the many-step runbook: its span (ms) and how many lines its transcript has. */
async function paceRun(w: Where, file: string, url: string | undefined): Promise<{ span: number; events: number }> {
  const transcript = w.next();
  const cli = startCli(['run', file, '--plain', '--transcript', transcript], { ...w.state, ...(url ? { RUNBOOK_STORE: url } : {}) }, w.dir);
  try {
    const lines = await until(() => {
      const ls = transcriptLines(transcript);
      return ls.some((l) => l.type === 'run-finished') ? ls : undefined;
    }, `run-finished in ${transcript} (stderr: ${cli.err().slice(-300)})`, 60_000, 20);
    const started = lines.find((l) => l.type === 'run-started');
    const finished = lines.find((l) => l.type === 'run-finished');
    if (finished?.outcome !== 'resolved') throw new Error(`the pace run ended ${String(finished?.outcome)}: ${cli.err().slice(-300)}`);
    return { span: tsMs(finished) - tsMs(started), events: lines.length };
  } finally {
    cli.stop();
  }
}

/** The many-step run in four modes per round (the order rotating): per-event overhead, and pace during an outage. */
export async function pace(ctx: BenchContext, store: BenchStore): Promise<Row[]> {
  const w = where(ctx, 'store-pace');
  const file = join(w.dir, 'many.yaml');
  writeFileSync(file, shellRunbook(PACE_STEPS));
  const urls: Record<PaceMode, string | undefined> = {
    none: undefined, up: store.url('alice'), refusing: store.url('alice', store.refusing.port), silent: store.url('alice', store.silent.port),
  };
  const modes = Object.keys(urls) as PaceMode[];
  const rounds = ctx.rounds; // the differences sought are a few % of a noisy span: every round counts
  const spans: Record<PaceMode, number[]> = { none: [], up: [], refusing: [], silent: [] };
  let events = 0;
  for (let r = -1; r < rounds; r++) { // round -1 warms up
    const order = modes.map((_, i) => modes[(i + Math.max(r, 0)) % modes.length]!);
    for (const m of order) {
      const one = await paceRun(w, file, urls[m]);
      if (r < 0) continue;
      spans[m].push(one.span);
      events = one.events;
    }
  }
  const per = (m: PaceMode) => spans[m].map((s, i) => s / spans.none[i]!);
  const overhead = spans.up.map((s, i) => (s - spans.none[i]!) / events);
  const perEvent = median(overhead);
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
        const t0 = Date.now();
        if (r % 2 === 0) {
          await bob.query('SELECT runbook.decide($1, $2, $3, $4)', [runId, 'terminate', 'approved', null]);
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
