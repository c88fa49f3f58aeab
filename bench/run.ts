// `npm run bench`: builds dist/, measures every figure of docs/performance.md on this machine, prints one
// table and writes it, with the raw samples, to bench/results.json. Benchmarks, not tests: nothing here
// fails a build. Every child process and server is bounded in time and talks to loopback only.
//
//   npm run bench                          all figures, default rounds
//   npm run bench -- --quick               fewer rounds (a rough look in about a minute or two)
//   npm run bench -- --only=cold,validate  some figures: cold, local, floor, frame, gate, shell, sql, diagnose, validate, memory, records, remote, sandbox, views, mask, store, bigstore, loops, transcript, resume
//   npm run bench -- store sql             the same, named bare
//   npm run bench -- --markdown            also print the table as markdown (for docs/performance.md)
//   npm run bench -- --no-build            measure dist/ as it is
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { coldStart } from './figures/cold-start.js';
import { diagnoseFaults } from './figures/diagnose.js';
import { firstFrame } from './figures/first-frame.js';
import { floor } from './figures/floor.js';
import { gateIdle } from './figures/gate-idle.js';
import { localRunbook } from './figures/local-runbook.js';
import { loops } from './figures/loops.js';
import { maskChunk } from './figures/mask-chunk.js';
import { memory } from './figures/memory.js';
import { records } from './figures/records.js';
import { remoteSteps } from './figures/remote-steps.js';
import { sandboxSteps } from './figures/sandbox-steps.js';
import { shellSteps } from './figures/shell-steps.js';
import { sqlSteps } from './figures/sql-steps.js';
import { teamStore } from './figures/store.js';
import { bigStore } from './figures/store-big.js';
import { longTranscript } from './figures/long-transcript.js';
import { longResume } from './figures/long-resume.js';
import { validateLarge, validateLargeChild, validateLimitChild } from './figures/validate-large.js';
import { viewKeys } from './figures/view-keys.js';
import { NODE, ROOT, makeScratch, type BenchContext } from './lib/context.js';
import { markdownTable, textTable, type Row } from './lib/table.js';

type Figure = (ctx: BenchContext) => Promise<Row[]>;
const FIGURES: [string, Figure][] = [
  ['cold', coldStart], ['local', localRunbook], ['floor', floor], ['frame', firstFrame], ['gate', gateIdle], ['shell', shellSteps], ['sql', sqlSteps],
  ['diagnose', diagnoseFaults], ['validate', validateLarge], ['memory', memory], ['records', records],
  ['remote', remoteSteps], ['sandbox', sandboxSteps], ['views', viewKeys], ['mask', maskChunk], ['store', teamStore], ['bigstore', bigStore], ['loops', loops], ['transcript', longTranscript], ['resume', longResume],
];

function flag(name: string): string | true | undefined {
  const hit = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (!hit) return undefined;
  return hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : true;
}

function machine() {
  const cpu = cpus();
  return {
    cpus: cpu.length, model: cpu[0]?.model ?? 'unknown', memGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version, kernel: release(), platform: process.platform,
  };
}

async function main(): Promise<void> {
  const child = flag('child');
  if (child === 'validate-large') return validateLargeChild(5);
  if (child === 'validate-limit') return validateLimitChild(0);

  const named = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const only = typeof flag('only') === 'string' ? [...String(flag('only')).split(','), ...named] : named.length ? named : undefined;
  const unknown = only?.filter((o) => !FIGURES.some(([n]) => n === o)) ?? [];
  if (unknown.length) throw new Error(`unknown figure(s): ${unknown.join(', ')} (have: ${FIGURES.map(([n]) => n).join(', ')})`);
  const rounds = typeof flag('rounds') === 'string' ? Math.max(3, Number(flag('rounds'))) : flag('quick') ? 5 : 15;

  if (!flag('no-build')) {
    const b = spawnSync(NODE, [join(ROOT, 'bin', 'bundle.mjs')], { cwd: ROOT, stdio: 'inherit', timeout: 120_000 });
    if (b.status !== 0) throw new Error('npm run build failed');
  }

  const scratch = makeScratch();
  const started = new Date();
  const loadBefore = loadavg();
  const rows: Row[] = [];
  const ctx: BenchContext = { rounds, scratch: scratch.dir, log: (m) => process.stderr.write(`  ${m}\n`) };
  try {
    for (const [name, figure] of FIGURES) {
      if (only && !only.includes(name)) continue;
      process.stderr.write(`${name}…\n`);
      try {
        rows.push(...(await figure(ctx)));
      } catch (e) {
        // One broken figure (no PostgreSQL binaries, say) must not hide the others.
        rows.push({ id: `${name}-error`, figure: `${name}: not measured`, value: (e as Error).message.split('\n')[0]!.slice(0, 80), anchor: '—', ratio: '—', target: '—', met: null });
        process.stderr.write(`  ${name} failed: ${(e as Error).stack ?? String(e)}\n`);
      }
    }
  } finally {
    scratch.remove();
  }
  const result = {
    date: started.toISOString(), durationS: Math.round((Date.now() - started.getTime()) / 1000), rounds,
    machine: machine(), loadavg: { before: loadBefore.map((x) => Number(x.toFixed(2))), after: loadavg().map((x) => Number(x.toFixed(2))) },
    rows,
  };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
  const m = result.machine;
  process.stdout.write(`\nrunbook bench, ${result.date} — ${m.cpus}× ${m.model}, ${m.memGiB} GiB, node ${m.node}, Linux ${m.kernel}; ` +
    `load ${result.loadavg.before[0]} → ${result.loadavg.after[0]}; ${rounds} rounds\n\n${textTable(rows)}\n\n`);
  for (const r of rows) if (r.note) process.stdout.write(`${r.figure}: ${r.note}\n`);
  if (flag('markdown')) process.stdout.write(`\n${markdownTable(rows)}\n`);
  process.stdout.write('written to bench/results.json\n');
}

await main();
