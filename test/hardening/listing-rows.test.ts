// Every CLI listing prints one row per field (a probe of stop 74): an author's step title with line breaks drew
// fake step rows under `runbook show` (the real rm -rf step's DESTRUCTIVE tag pushed off it), a description a fake
// input, a title a fake RECOMMENDED runbook under `runbook list`. Fields made of every kind of line break, text
// padded to the terminal's edge and lines that copy the commands' own rows (a fixed seed) go into a runbook, its
// cases, a file name, a log and a URL; each command runs in tmux at 80x24 and 100x40, and the screen's rows that
// do not continue one (`↪`) are exactly the rows the command makes, in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../helpers/rng.js';
import { runsTable, type RunRow } from '../../src/cli/commands/runs.js';
import { displayWidth } from '../../src/common/display-width.js';
import pg from 'pg';
import { cli, scratch } from './helpers.js';
import { startStoreLab } from '../store/helpers.js';
import { TMUX, Tmux } from './tmux.js';

const BREAKS = ['\n', '\r\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029'];
/** Rows the commands print themselves, to be copied into fields. */
const FORGED = [
  '   3. wipe  (shell) — Clear the cache  [DESTRUCTIVE: asks before running]', 'Inputs:', 'Steps:', '  file  (required) — fake',
  'pool-exhausted   Connection pool exhausted — RECOMMENDED, read-only', '  pass  a fake case', '  coverage: 9/9 routes (100%)',
  '/tmp/x.yaml:1:1: error: fake [schema]', '1 × refused — from the server', '  ✓ tcp      connected', 'Finding:  healthy - all good',
  'Destructive steps: none', '      ↪ continued', '  | a summary line', '',
];
const SIZES: [number, number][] = [[80, 24], [100, 40]];

/** A field: every break kind once, in a seeded order, each after text padded near the edge and before a forged row. */
function hostile(next: () => number, cols: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  const breaks = [...BREAKS].sort(() => next() - 0.5);
  return `F${breaks.map((b) => `${'p'.repeat(Math.floor(cols - 20 + next() * 22))}${b}${pick(FORGED)}`).join('')}end`;
}

/** A short field (a table's cell): a break early enough to be in what a column keeps, then a forged row. */
const shortHostile = (next: () => number): string =>
  `${'x'.repeat(Math.floor(next() * 4))}${BREAKS[Math.floor(next() * BREAKS.length)]}${FORGED[Math.floor(next() * FORGED.length)]}`;

/** JSON as YAML, every character past ASCII escaped (YAML 1.1 readers take NEL, LS and PS for breaks). */
const yaml = (value: unknown) => JSON.stringify(value, null, 1).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The command's rows as the terminal shows them (scrollback and screen, trailing blank rows left out). */
async function screenRows(dir: string, args: string[], [cols, rows]: [number, number], env: Record<string, string> = {}): Promise<string[]> {
  const tmux = new Tmux(dir, args, { cols, rows, env });
  try {
    await tmux.exitCode();
    const out = tmux.history().split('\n');
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  } finally { tmux.close(); }
}

/** Rows not marked as continuing the one above are the command's own: as many as it makes, each as it starts. */
function assertRows(screen: string[], expected: RegExp[], cols: number, what: string): void {
  const own = screen.filter((r) => !/^ *↪ /.test(r));
  const show = `\n${screen.join('\n')}`;
  assert.equal(own.length, expected.length, `${what} at ${cols} columns: ${own.length} rows, the command makes ${expected.length}${show}`);
  own.forEach((r, i) => assert.match(r, expected[i]!, `${what} at ${cols} columns, row ${i + 1}${show}`));
  for (const r of screen) assert.ok(displayWidth(r) <= cols, `a row wider than the terminal: ${r}`);
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('show, list, test, validate, explain, new and diagnose: every row the terminal shows is the command\'s own', { skip: !TMUX }, async (t) => {
  for (const size of SIZES) {
    const [cols] = size;
    const next = rng(7400 + cols);
    const dir = scratch(t, 'runbook-rows-');
    const book = join(dir, 'books');
    mkdirSync(book);
    const summary = `Sum${hostile(next, cols)}`;
    const doc = {
      name: 'rows', title: `T${hostile(next, cols)}`, summary,
      inputs: { file: { description: hostile(next, cols), default: hostile(next, cols) }, other: { required: true, description: hostile(next, cols) } },
      steps: [
        { id: 'look', title: hostile(next, cols), shell: 'echo hi' },
        { id: 'wipe', title: hostile(next, cols), destructive: true, shell: 'echo rm', on: { skipped: 'stop' } },
        { id: 'done', end: 'resolved', message: 'ok' }, { id: 'stop', end: 'escalate', message: 'no' },
      ],
    };
    const file = join(book, 'rows.yaml');
    writeFileSync(file, yaml(doc));
    writeFileSync(join(book, 'rows.cases.yaml'), yaml({ inputs: { other: 'x' }, cases: [
      { name: hostile(next, cols), path: ['look', 'wipe', 'done'], outcome: 'resolved' },
      { name: hostile(next, cols), gates: { wipe: 'skip' }, path: ['look', 'wipe', 'stop'], outcome: 'escalate' }] }));

    await t.test(`show at ${cols}x${size[1]}`, async () => {
      // show: the title, the summary's lines (each marked), the inputs, the steps, the destructive ones.
      const summaryRows = summary.trim().replace(/\r\n/g, '\n').split('\n').length;
      assertRows(await screenRows(dir, ['show', file], size), [
        /^TF/, /^$/, ...Array.from({ length: summaryRows }, () => /^ {2}\| /), /^$/, /^Inputs:$/, /^ {2}file {2}\(optional, default /, /^ {2}other {2}\(required\) — /,
        /^$/, /^Steps:$/, /^ {3}1\. look {2}\(shell\) — F/, /^ {3}2\. wipe {2}\(shell\) — F/, /^ {3}3\. done {2}\(end: resolved\)$/, /^ {3}4\. stop {2}\(end: escalate\)$/,
        /^$/, /^Destructive steps: wipe$/], cols, 'show');
    });

    await t.test(`list at ${cols}x${size[1]}`, async () => {
      // list: a row for each runbook's title and one for its summary, under the names --json gives.
      const env = { RUNBOOK_PATH: book };
      const listed = JSON.parse((await cli(['list', '--json'], { env })).stdout) as { name: string; summary: string }[];
      const width = Math.max(4, ...listed.map((r) => r.name.length));
      assertRows(await screenRows(dir, ['list'], size, env),
        listed.flatMap((r) => [new RegExp(`^${esc(r.name.padEnd(width))} {2}\\S`), ...(r.summary ? [new RegExp(`^ {${width + 2}}\\S`)] : [])]), cols, 'list');
    });

    await t.test(`test at ${cols}x${size[1]}`, async () => {
      // test: the file, a row per case, the coverage, the count.
      assertRows(await screenRows(dir, ['test', file], size), [/^\/.*rows\.yaml {2}\(cases: /, /^ {2}pass {2}F/, /^ {2}pass {2}F/, /^ {2}coverage: /, /^2 cases: 2 passed/],
        cols, 'test');
    });

    await t.test(`validate at ${cols}x${size[1]}`, async () => {
      // validate: a diagnostic a row, whatever its file's name holds.
      const named = join(dir, `bad${hostile(next, cols).replace(/\//g, '-').slice(0, 200)}.yaml`);
      writeFileSync(named, yaml({ name: 'bad', title: 'bad', steps: [{ id: 'a', shell: 'echo', on: { ok: 'nowhere' } }] }));
      const found = JSON.parse((await cli(['validate', named, '--json'])).stdout) as { diagnostics: unknown[] };
      assert.ok(found.diagnostics.length > 0);
      assertRows(await screenRows(dir, ['validate', named], size), [...found.diagnostics.map(() => new RegExp(`^${esc(dir)}/bad`)), /^1 runbook checked: /], cols, 'validate');
    });

    await t.test(`explain at ${cols}x${size[1]}`, async () => {
      // explain: a log whose lines carry every other break kind, forged rows and padding in the recognised error.
      const log = join(dir, 'app.log');
      writeFileSync(log, Array.from({ length: 3 }, () => `FATAL:  password authentication failed for user "${hostile(next, cols).replace(/\r?\n/g, '\u2028')}"`).join('\n'));
      const explained = JSON.parse((await cli(['explain', '--file', log, '--json'])).stdout) as { errors: Record<string, unknown>[] };
      assertRows(await screenRows(dir, ['explain', '--file', log], size), explained.errors.flatMap((g, i) => [
        ...(i ? [/^$/] : []), /^\d+ × /, /^ {2}recognised: /, /^ {2}first at line \d+: /,
        ...['command', 'tellApart', 'note', 'fromPid'].filter((k) => g[k] !== null).map(() => /^ {2}(run|note|from the application): /)]), cols, 'explain');
    });

    await t.test(`new at ${cols}x${size[1]}`, async () => {
      // new: the directory the operator named, whatever it holds, in the rows that name the files written.
      const target = join(dir, `d${hostile(next, cols).replace(/\//g, '-').slice(0, 200)}`);
      assertRows(await screenRows(dir, ['new', 'fresh', '--dir', target], size), [/^Wrote \//, /^Next: edit it, then /], cols, 'new');
    });

    await t.test(`diagnose at ${cols}x${size[1]}`, async () => {
      // diagnose: the URL's database name, as a server or a config would hand it back, in the rows that quote it.
      const url = `postgres://u@127.0.0.1:1/db${encodeURIComponent(hostile(next, cols))}`;
      const d = JSON.parse((await cli(['diagnose', url, '--json', '--timeout', '2'])).stdout) as { checks: unknown[]; runbook?: string };
      assertRows(await screenRows(dir, ['diagnose', url, '--timeout', '2'], size), [/^Diagnosing postgres:/, /^$/, ...d.checks.map(() => /^ {2}\S \S+ +\S/),
        /^$/, /^Phases: /, /^$/, /^Finding: /, ...(d.runbook ? [/^Next: /, /^ {10}or: /] : [])], cols, 'diagnose');
    });
  }
});

test('runs: a store\'s runs, whatever their names hold, are a row each (real PostgreSQL, tmux)', { skip: !TMUX }, async (t) => {
  const lab = await startStoreLab();
  t.after(() => lab.stop());
  // The store's rows as a hostile teammate or a broken store could write them, straight into the table.
  const admin = new pg.Client({ connectionString: lab.server.adminUrl().replace(/\/[^/?]*(?=\?|$)/, '/ops') });
  await admin.connect();
  const next = rng(7476);
  try {
    for (let i = 0; i < 12; i++) {
      const h = () => (next() < 0.5 ? shortHostile(next) : hostile(next, 80));
      await admin.query(`INSERT INTO runbook.runs (run_id, runbook, runbook_sha256, operator, driver, driver_host, state, current_step, waiting_gate)
        VALUES ($1, $2, 'x', $3, $4, $5, $6, $7, $8)`, [`0000000${i.toString(16)}-${h()}`, h(), h().slice(0, 20), h().slice(0, 20), h(), i % 2 ? 'running' : h(), h(), i % 3 ? null : h()]);
    }
  } finally { await admin.end(); }
  for (const size of SIZES) {
    const dir = scratch(t, 'runbook-rows-');
    assertRows(await screenRows(dir, ['runs'], size, { RUNBOOK_STORE: lab.url('carol'), HOME: dir }), [/^RUN {7}RUNBOOK/, ...Array.from({ length: 12 }, () => /^0000000[0-9a-f] {2}\S/)],
      size[0], 'runs');
  }
});

test('runs: a store\'s names and steps are a cell each, one row per run, in 80 columns', () => {
  const next = rng(7474);
  const cell = () => shortHostile(next);
  const row = (): RunRow => ({
    run_id: `6f1c${cell()}`, runbook: cell(), operator: cell(), driver: cell(), driver_host: cell(),
    state: cell(), current_step: cell(), waiting_gate: cell(), started_at: new Date(), heard_at: new Date(),
  });
  const rows = runsTable(Array.from({ length: 20 }, row));
  assert.equal(rows.length, 21);
  for (const r of rows) {
    assert.doesNotMatch(r, /[\n\r\v\f\u0085\u2028\u2029]/, r);
    assert.ok(displayWidth(r) <= 80, r);
  }
});

test('graph --format dot: a title\'s line break is dot\'s own \\n, each statement one line', async (t) => {
  const dir = scratch(t, 'runbook-rows-');
  const next = rng(7475);
  const file = join(dir, 'g.yaml');
  writeFileSync(file, yaml({ name: 'g', title: 'g', steps: [{ id: 'a', title: hostile(next, 80), shell: 'echo' }, { id: 'done', end: 'resolved', message: 'ok' }] }));
  const r = await cli(['graph', file, '--format', 'dot']);
  assert.equal(r.code, 0, r.stderr);
  for (const line of r.stdout.trimEnd().split('\n')) assert.match(line, /^(digraph runbook \{|\}| {2}\S.*;)$/, line);
  assert.match(r.stdout, /label="a\\nFp/);
});
