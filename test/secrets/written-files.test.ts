// A secret written by one step and read back by a later proven read (engine/written-secrets.ts, changed-files.ts).
// A probe of stop 81: a destructive step given a PIN wrote it reversed, in base64, one digit a line, and a later
// `sort F` (a proven read given nothing) printed the digits on the screen and in the transcript; the masker knows the
// PIN's spellings, not what a program made of it. Generated with seed 81: the transform (run by bash itself: what
// the real program makes of the PIN is what must not be shown), how the writer is given the PIN (env, a ${{ }}
// value, a vouched step) and the reader. Through the real CLI: a finished run, and a run killed -9 mid-step and
// resumed (the taint is the run's state). The twins, reads of a file written before the run, are shown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { cli, scratch, transcriptLines, until, writeRunbook, type Line } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';

const TRANSFORMS = ['rev', 'base64', 'xxd -p', 'od -An -c', 'tr 0-9 a-j', 'sha256sum | cut -c1-12', 'fold -w1', "sed 's/./&\\n/g'",
  'tr 0-9 5-90-4 | rev', 'base32', "awk '{ for (i = length($0); i > 0; i--) print substr($0, i, 1) }'"];
/** `@` is the file. */
const READERS = ['cat @', 'sort @', 'od -c @', 'head -n 20 @', 'tail -n 20 @', 'tac @', 'grep -h . @', 'nl @', 'cut -c 1- @', 'sort -r @ | tr a-z A-Z', 'rev < @'];
const PUBLIC = 'publicText81eta';

interface Case { transform: string; reader: string; give: 'env' | 'value' | 'vouched' }

function generated(seed: number, count: number): { pin: string; cases: Case[] } {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const pin = String(100000 + Math.floor(next() * 900000)) + String(Math.floor(next() * 90) + 10);
  return { pin, cases: Array.from({ length: count }, () => ({ transform: pick(TRANSFORMS), reader: pick(READERS), give: pick(['env', 'value', 'vouched'] as const) })) };
}

const yamlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

function runbook(cases: Case[], pause: boolean): string {
  const writers = cases.map((c, i) => {
    const code = c.give === 'value' ? `printf %s "\${{ inputs.pin }}" | ${c.transform} > w/f${i}` : `printf %s "$PIN" | ${c.transform} > w/f${i}`;
    const env = c.give === 'value' ? '' : `\n      env: { PIN: '\${{ inputs.pin }}' }`;
    const mark = c.give === 'vouched' ? 'destructive: false\n    safe_because: writes a file of the scratch directory' : 'destructive: true';
    return `  - id: a${i}\n    ${mark}\n    shell:\n      run: ${yamlString(code)}${env}\n`;
  }).join('');
  const wait = pause ? `  - id: m\n    shell: 'sleep 5'\n` : '';
  const readers = cases.map((c, i) => `  - id: b${i}\n    shell: ${yamlString(c.reader.replaceAll('@', `w/f${i}`))}\n`).join('');
  const twins = ['cat pub', 'sort pub', 'od -c pub | head -n 3'].map((r, i) => `  - id: t${i}\n    shell: ${yamlString(r)}\n`).join('');
  return `name: written\ntitle: written\ninputs:\n  pin: { secret: true }\nsteps:\n${writers}${wait}${readers}${twins}  - { id: done, end: resolved, message: ok }\n`;
}

/** What bash's own programs make of the PIN: each line of 3 characters or more must not be shown. */
function forms(pin: string, cases: Case[]): string[] {
  const out = new Set<string>([pin]);
  for (const c of cases) {
    const r = spawnSync('bash', ['-c', `printf %s "$PIN" | ${c.transform}`], { env: { ...process.env, PIN: pin }, encoding: 'utf8' });
    for (const line of r.stdout.split('\n').map((l) => l.trim())) if (line.length >= 3) out.add(line);
  }
  return [...out];
}

/** Lines the plain screen printed as a step's output (`  | …`), by step. */
function printed(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let step = '';
  for (const line of stdout.split('\n')) {
    const started = /^start\s+(\S+)/.exec(line);
    if (started) step = started[1]!;
    else if (line.startsWith('  | ')) out.set(step, [...(out.get(step) ?? []), line.slice(4)]);
  }
  return out;
}

function setup(dir: string): void {
  mkdirSync(join(dir, 'w'));
  writeFileSync(join(dir, 'pub'), `${PUBLIC}\n`, { mode: 0o644 });
}

function check(stdout: string, lines: Line[], written: string, pin: string, cases: Case[]): void {
  const finished = new Map(lines.filter((l) => l.type === 'step-finished').map((l) => [l.stepId as string, l.result as { status: string; withheld?: { because: string[] } }]));
  const screen = printed(stdout);
  cases.forEach((c, i) => {
    const res = finished.get(`b${i}`);
    assert.ok(res, `b${i} ran (${c.reader})`);
    assert.ok(res.withheld, `b${i} (${c.reader}) after a${i} wrote \`${c.transform}\` of the PIN: withheld (${JSON.stringify(res)})`);
    assert.match(res.withheld.because.join(), /given a secret, could write/, `b${i} says why`);
    assert.deepEqual(screen.get(`b${i}`) ?? [], [], `b${i}'s output is not on the screen`);
  });
  for (const f of forms(pin, cases)) {
    assert.ok(!stdout.includes(f), `${f} (a form of the PIN) on the screen:\n${stdout.slice(0, 4000)}`);
    assert.ok(!written.includes(f), `${f} (a form of the PIN) in the transcript`);
  }
  for (const t of ['t0', 't1', 't2']) {
    assert.equal(finished.get(t)?.status, 'ok', t);
    assert.equal(finished.get(t)?.withheld, undefined, `${t}: a file written before the run is shown`);
  }
  assert.ok(stdout.includes(`| ${PUBLIC}`), 'the twin is on the screen');
}

test('a secret a step wrote to a file in any form, read back by a later proven read: withheld, seed 81 (finished run)', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const { pin, cases } = generated(81, 14);
  setup(dir);
  const file = writeRunbook(dir, 'written', runbook(cases, false));
  const v = await cli(['validate', file]);
  assert.match(v.stdout + v.stderr, /0 errors/, v.stdout + v.stderr);
  await new Promise((r) => setTimeout(r, 1500)); // the twin's file is older than the engine's slack
  const transcript = join(dir, 'out', 'run.jsonl');
  mkdirSync(join(dir, 'out'));
  const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '--input', `pin=${pin}`], { cwd: dir });
  assert.match(r.stdout, /finished resolved/, r.stdout + r.stderr);
  cases.forEach((_, i) => assert.ok(existsSync(join(dir, 'w', `f${i}`)), `a${i} wrote its file`));
  const lines = transcriptLines(transcript);
  check(r.stdout, lines, JSON.stringify(lines), pin, cases);
});

test('the same, the run killed -9 after the writes and resumed: the resumed run keeps the taint, seed 81', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const { pin, cases } = generated(81, 14);
  setup(dir);
  const file = writeRunbook(dir, 'written', runbook(cases, true));
  await new Promise((r) => setTimeout(r, 1500));
  mkdirSync(join(dir, 'out'));
  const transcript = join(dir, 'out', 'run.jsonl');
  const first = cli(['run', file, '--plain', '--yes', '--transcript', transcript, '--input', `pin=${pin}`], { cwd: dir });
  await until(() => existsSync(transcript) && transcriptLines(transcript).some((l) => l.type === 'step-started' && l.stepId === 'm'), 60_000, 'step m started');
  first.child.kill('SIGKILL');
  const killed = await first;
  assert.equal(killed.signal, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 5500)); // the killed step's sleep ends: resume refuses while it runs
  const r = await cli(['resume', transcript, '--plain', '--yes', '--input', `pin=${pin}`], { cwd: dir });
  assert.match(r.stdout, /finished resolved/, r.stdout + r.stderr);
  const lines = transcriptLines(transcript);
  assert.ok(!lines.some((l) => l.type === 'step-started' && /^a\d/.test(String(l.stepId)) && lines.filter((k) => k.type === 'step-started' && k.stepId === l.stepId).length > 1), 'no writer ran twice');
  check(killed.stdout + r.stdout, lines, JSON.stringify(lines), pin, cases);
});

// What the writer leaves running can write between the engine's look at the files and the read's open: a setsid
// loop waiting for the reader rewrote a file written before the run (its change time old when the step was
// prepared). The read's output is held and the files looked at again once it ended.
test('a process the writer left running rewrites a file while the read opens it: withheld, seed 81', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const next = rng(81);
  const pin = String(100000 + Math.floor(next() * 900000));
  const picked = Array.from({ length: 3 }, () => TRANSFORMS[Math.floor(next() * TRANSFORMS.length)]!);
  const big = '/usr/bin/bash'; // od takes a moment over it before it opens the file behind
  for (let i = 0; i < picked.length; i++) writeFileSync(join(dir, `pub${i}`), `${PUBLIC}\n`, { mode: 0o644 });
  await new Promise((r) => setTimeout(r, 1500));
  const steps = picked.map((tr, i) => {
    const wait = `until pgrep -f "od -c ${big} pub${i}" >/dev/null; do :; done; printf %s "$PIN" | ${tr} > pub${i}`;
    return `  - id: a${i}\n    destructive: true\n    shell:\n      run: ${yamlString(`setsid -f bash -c ${JSON.stringify(wait).replaceAll('$', '\\$')} >/dev/null 2>&1`)}\n`
      + `      env: { PIN: '\${{ inputs.pin }}' }\n  - id: b${i}\n    shell: ${yamlString(`od -c ${big} pub${i} | tail -n 3`)}\n`;
  }).join('');
  const file = writeRunbook(dir, 'race', `name: race\ntitle: race\ninputs:\n  pin: { secret: true }\nsteps:\n${steps}  - { id: done, end: resolved, message: ok }\n`);
  const transcript = join(dir, 'run.jsonl');
  const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '--input', `pin=${pin}`], { cwd: dir });
  assert.match(r.stdout, /finished resolved/, r.stdout + r.stderr);
  const lines = transcriptLines(transcript);
  const finished = new Map(lines.filter((l) => l.type === 'step-finished').map((l) => [l.stepId as string, l.result as { withheld?: { because: string[] } }]));
  const cases = picked.map((transform) => ({ transform, reader: 'od -c', give: 'env' as const }));
  const screen = printed(r.stdout);
  picked.forEach((tr, i) => {
    assert.match(finished.get(`b${i}`)?.withheld?.because.join() ?? '', /could write/, `b${i} after a waiter wrote \`${tr}\``);
    assert.deepEqual(screen.get(`b${i}`) ?? [], [], `b${i}'s output is not on the screen`);
  });
  const shown = `${r.stdout}\n${JSON.stringify(lines)}`;
  for (const f of forms(pin, cases)) assert.ok(!shown.includes(f), `${f} (a form of the PIN) shown`);
});

let server: LabServer;
before(async () => { server = await startPostgres(); });
after(async () => { await server?.stop(); });

const SQL_FORMS = ['reverse($1)', "encode(convert_to($1, 'UTF8'), 'base64')", "translate($1, '0123456789', 'abcdefghij')", 'left(md5($1), 12)',
  "regexp_replace($1, '(.)', '\\1-', 'g')"];
const SQL_READS = ['SELECT v FROM w', 'SELECT upper(v) AS v FROM w', "SELECT string_agg(v, ',') AS v FROM w", 'SELECT length(v) AS n, v FROM w ORDER BY 1'];

test('a secret an SQL step wrote in any form, read back by a later read on another connection to the server: withheld, seed 81', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const next = rng(81);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const pin = String(100000 + Math.floor(next() * 900000));
  const cases = Array.from({ length: 4 }, () => ({ form: pick(SQL_FORMS), read: pick(SQL_READS) }));
  const steps = cases.map((c, i) => `  - id: a${i}\n    destructive: true\n    sql:\n      connection: db\n      query: ${yamlString(`INSERT INTO w SELECT ${c.form}`)}\n      params: ['\${{ inputs.pin }}']\n`
    + `  - id: b${i}\n    sql:\n      connection: other\n      query: ${yamlString(c.read)}\n`).join('');
  const doc = `name: rows\ntitle: rows\ninputs:\n  pin: { secret: true }\n  url: { secret: true }\nconnections:\n  db: { url: "\${{ inputs.url }}" }\n  other: { url: "\${{ inputs.url }}" }\n`
    + `steps:\n  - id: mk\n    destructive: true\n    sql: { connection: db, query: 'CREATE TABLE IF NOT EXISTS w (v text)' }\n${steps}  - { id: done, end: resolved, message: ok }\n`;
  const file = writeRunbook(dir, 'rows', doc);
  const transcript = join(dir, 'run.jsonl');
  const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '--input', `pin=${pin}`, '--input', `url=${server.url()}`], { cwd: dir });
  assert.match(r.stdout, /finished resolved/, r.stdout + r.stderr);
  const lines = transcriptLines(transcript);
  const finished = new Map(lines.filter((l) => l.type === 'step-finished').map((l) => [l.stepId as string, l.result as { withheld?: { because: string[] } }]));
  cases.forEach((c, i) => assert.match(finished.get(`b${i}`)?.withheld?.because.join() ?? '', /a table any session/, `b${i} (${c.read}) after ${c.form}`));
  const rows = await (await import('../db/helpers.js')).appQuery(server, 'SELECT v FROM w');
  const shown = [r.stdout, JSON.stringify(lines)].join('\n');
  for (const row of rows) {
    const v = String(row.v);
    assert.ok(!shown.includes(v) && !shown.includes(v.toUpperCase()), `${v}, a form of the PIN written to a table, is shown`);
  }
});
