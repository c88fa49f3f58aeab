// Figure: CPU per key in a view over a large result (issue #30: "views over large results render only the
// visible window: ≤ 5 ms CPU per key at 10,000 rows"). In process: the real ink App (ink-testing-library's
// terminal, 100 columns, 24 rows) over a real Run whose first step returns N rows and whose second is a gate;
// React's production build, as bundled; the evidence view is opened once, then PgDn/PgUp keys are sent one at a time and the process's CPU time
// (process.cpuUsage) is taken from the key to the frame that shows its effect.
import type { BenchContext } from '../lib/context.js';
import { median } from '../lib/stats.js';
import { ms, type Row } from '../lib/table.js';

const TARGET_MS = 5;
const KEYS = Number(process.env.VIEW_KEYS ?? 40);

const RUNBOOK = `name: view-keys
title: View keys bench
connections:
  db: { url: 'postgres://bench@localhost/bench' }
steps:
  - id: many
    sql: { query: "select * from sessions" }
    capture: rows
  - id: act
    destructive: true
    shell: echo acted
    on: { skipped: done }
  - id: done
    end: resolved
`;

export async function viewKeys(ctx: BenchContext): Promise<Row[]> {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  const out: Row[] = [];
  // The anchor: the same view over 30 rows, in the same run. A key that draws only the visible window costs the
  // same at any size; what it costs at 30 rows is ink drawing one frame.
  const anchor = await oneSize(30);
  ctx.log(`30 rows: median ${anchor.median.toFixed(2)} ms CPU per key`);
  for (const n of (process.env.VIEW_SIZES ?? '1000,10000').split(',').map(Number)) {
    const perKey = await oneSize(n);
    ctx.log(`${n} rows: median ${perKey.median.toFixed(2)} ms CPU per key, first open ${perKey.open.toFixed(0)} ms`);
    out.push({
      id: `view-key-${n}`, figure: `view key (PgDn/PgUp) at ${n.toLocaleString('en')} rows: CPU per key`, value: ms(perKey.median),
      anchor: `30 rows: ${ms(anchor.median)}`, ratio: `${(perKey.median / anchor.median).toFixed(2)}×`, target: `≤ ${TARGET_MS} ms`, met: perKey.median <= TARGET_MS,
      metric: perKey.median, samples: { cpuMsPerKey: perKey.samples, anchorCpuMsPerKey: anchor.samples }, note: `opening the view: ${ms(perKey.open)}`,
    });
  }
  return out;
}

async function oneSize(n: number): Promise<{ median: number; open: number; samples: number[] }> {
  // React as the CLI runs it: the bundle defines NODE_ENV=production (bin/bundle.mjs); the development build
  // checks keys and times every commit, several times the work. Read by react when it is first imported.
  process.env.NODE_ENV = 'production';
  const { createElement } = await import('react');
  const { render, cleanup } = await import('ink-testing-library');
  const { App } = await import('../../src/ui/ink/App.js');
  const { createViewStore } = await import('../../src/ui/view-store.js');
  const { parseRunbook } = await import('../../src/language/runbook.js');
  const { Run } = await import('../../src/engine/run.js');
  const { Redactor } = await import('../../src/secrets/redactor.js');
  const { runbook } = parseRunbook(RUNBOOK, 'view-keys.yaml');
  if (!runbook) throw new Error('the bench runbook does not parse');
  const rows = Array.from({ length: n }, (_, i) => ({ pid: 10_000 + i, usename: `app_${i % 7}`, state: i % 3 ? 'idle' : 'idle in transaction', query: `select * from t where id = ${i}` }));
  const run = new Run({
    runbook, inputs: {}, redactor: new Redactor(), operator: 'bench',
    executors: {
      async execute(_a, c) { return c.stepId === 'many' ? { status: 'ok', durationMs: 5, columns: ['pid', 'usename', 'state', 'query'], rows, rowCount: n } : { status: 'ok', durationMs: 1 }; },
      async close() {},
    },
  });
  const store = createViewStore(run, runbook.doc);
  const app = render(createElement(App, { run, store, gateArmMs: 0 }));
  const finished = run.start();
  const frame = () => app.lastFrame() ?? '';
  const until = async (test: (f: string) => boolean, what: string) => {
    const end = Date.now() + 30_000;
    while (!test(frame())) {
      if (Date.now() > end) throw new Error(`${what} not on screen:\n${frame()}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  try {
    await until((f) => f.includes('abort the run'), 'the gate');
    let before = process.cpuUsage();
    app.stdin.write('e');
    await until((f) => f.includes('evidence before act'), 'the evidence view');
    const open = cpu(before);
    await new Promise((r) => setTimeout(r, 50)); // the view's key listener is attached in an effect after its frame
    const samples: number[] = [];
    // The frame's write ends the measurement: no polling in between (its timer wake-ups would be counted too).
    const stdout = app.stdout as unknown as { write(f: string): void };
    const write = stdout.write.bind(stdout);
    let written: (() => void) | undefined;
    stdout.write = (f: string) => { write(f); written?.(); };
    for (let i = 0; i < KEYS; i++) {
      const last = frame();
      const drawn = new Promise<void>((r) => { written = r; });
      before = process.cpuUsage();
      app.stdin.write(i % 2 === 0 ? '\u001b[6~' : '\u001b[5~'); // PgDn, PgUp, …: each key moves the window
      await drawn;
      samples.push(cpu(before));
      written = undefined;
      if (frame() === last) throw new Error(`key ${i} did not move the view:\n${last}`);
    }
    app.stdin.write('e');
    await until((f) => f.includes('abort the run'), 'the gate again');
    app.stdin.write('s');
    await finished;
    return { median: median(samples), open, samples };
  } finally {
    if (!run.result) run.abort('bench ended');
    cleanup();
  }
}

function cpu(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}
