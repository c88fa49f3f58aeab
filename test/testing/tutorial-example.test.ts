// docs/tutorial.md, walked as written: the runbook and cases are its own YAML blocks, the commands are its own
// command lines (read from the page, so they cannot drift), run through a `runbook` on PATH in a fresh folder, and
// what they print must contain the output the page shows. The finished runbook is
// runbooks/examples/pg-disk-full.yaml: the steps the page builds must be its steps, and its twelve cases must pass
// with full coverage. The dry run goes against a real PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { readRunbook } from '../../src/language/runbook.js';
import { BIN, cli, ROOT } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

const EXAMPLE = join(ROOT, 'runbooks/examples/pg-disk-full.yaml');
const TUTORIAL = readFileSync(join(ROOT, 'docs/tutorial.md'), 'utf8');

interface Block { section: string; lang: string; text: string }

/** The fenced blocks of the page, each with the `## ` section it is in. */
function blocks(md: string): Block[] {
  const out: Block[] = [];
  let section = '';
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('## ')) section = line.slice(3);
    const fence = /^(\s*)```(\w*)$/.exec(line);
    if (!fence) continue;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```$/.test(lines[i]!); i++) body.push(lines[i]!.slice(fence[1]!.length));
    out.push({ section, lang: fence[2]!, text: body.join('\n') });
  }
  return out;
}

const BLOCKS = blocks(TUTORIAL);
const inSection = (prefix: string, lang?: string) => BLOCKS.filter((b) => b.section.startsWith(prefix) && (lang === undefined || b.lang === lang));

/** Shell command lines of a ```sh block (comments and blank lines dropped). */
const commands = (b: Block) => b.text.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim()).filter((l) => l && !l.startsWith('#'));

/** The page's YAML for the runbook (section 2) and its cases (section 4). */
const RUNBOOK_TEXT = `${inSection('2.', 'yaml').map((b) => b.text).join('\n')}\n`;
const CASES_TEXT = `${inSection('4.', 'yaml')[0]!.text}\n`;

/** A fresh folder with `runbook` on PATH (this checkout's bin/runbook.js), as an operator's shell would have it. */
function workspace(): { dir: string; sh(command: string, opts?: { env?: NodeJS.ProcessEnv; raw?: boolean }): { code: number | null; out: string } } {
  const dir = tempDir();
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'runbook'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
  chmodSync(join(bin, 'runbook'), 0o755);
  return {
    dir,
    sh(command, opts = {}) {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', PATH: `${bin}:${process.env.PATH}`, ...opts.env };
      delete env.CI; // the page's output is an operator's; CI changes only what an uncovered route does to the exit code
      const r = spawnSync('/bin/sh', ['-c', command], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
      // File names as the page shows them: relative to the folder the operator stands in. `raw`: as printed
      // (validate prints them so itself).
      const out = `${r.stdout}${r.stderr}`;
      return { code: r.status, out: opts.raw ? out : out.split(`${dir}/`).join('') };
    },
  };
}

/** Durations and sizes vary from run to run and machine to machine. */
const normal = (line: string) => line.replace(/\b\d+(\.\d+)?(ms|s)\b/g, 'T').replace(/\b\d+ (kB|MB|GB)\b/g, 'SIZE').replace(/\s+$/, '');

/** Every line the page shows is printed, in order; `…` on a line of its own stands for lines left out, and a line
 *  ending in `…` for the rest of that line. */
function assertShows(actual: string, shown: string, what: string): void {
  const got = actual.split('\n').map(normal);
  let at = 0;
  for (const raw of shown.split('\n')) {
    const want = normal(raw);
    if (want.trim() === '…' || want.startsWith('$ ')) continue;
    const prefix = want.endsWith(' …') ? want.slice(0, -2) : undefined;
    const found = got.findIndex((l, i) => i >= at && (prefix !== undefined ? l.startsWith(prefix) : l === want));
    assert.ok(found >= 0, `${what}: the page shows\n  ${raw}\nbut the output (from line ${at + 1}) is:\n${got.slice(at).join('\n')}`);
    at = found + 1;
  }
}

/** `$ command` on the first line of a shown output block. */
const shownCommand = (b: Block) => /^\$ (.+)$/m.exec(b.text)?.[1];

/** Writes the page's runbook as `runbook new` and the page's YAML make it. */
function writeTutorialRunbook(w: ReturnType<typeof workspace>): void {
  const created = w.sh(commands(inSection('2.', 'sh')[0]!).join('\n'));
  assert.equal(created.code, 0, created.out);
  assert.match(created.out, /Wrote runbooks\/pg-disk-full\.yaml \(and runbooks\/runbook\.schema\.json, runbooks\/runbook-cases\.schema\.json/);
  writeFileSync(join(w.dir, 'runbooks/pg-disk-full.yaml'), RUNBOOK_TEXT);
  writeFileSync(join(w.dir, 'runbooks/pg-disk-full.cases.yaml'), CASES_TEXT);
}

test('sections 2-3: the page builds a runbook that validates cleanly and has the steps of runbooks/examples/', () => {
  const w = workspace();
  writeTutorialRunbook(w);
  const check = w.sh(commands(inSection('3.', 'sh')[0]!).join('\n'));
  assert.equal(check.code, 0, check.out);
  assert.match(check.out, /^1 runbook checked: 0 errors, 0 warnings$/m);
  // The modelines point at the schemas runbook new wrote beside the file.
  for (const [file, schema] of [['pg-disk-full.yaml', 'runbook.schema.json'], ['pg-disk-full.cases.yaml', 'runbook-cases.schema.json']] as const) {
    assert.ok(readFileSync(join(w.dir, 'runbooks', file), 'utf8').startsWith(`# yaml-language-server: $schema=./${schema}\n`));
    assert.ok(readFileSync(join(w.dir, 'runbooks', schema), 'utf8').length > 1000);
  }
  // Apart from its prose (descriptions, messages, tags), the page's runbook is the example's.
  const prose = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc, (k, v: unknown) => (['description', 'message', 'tags'].includes(k) ? undefined : v)));
  const built = readRunbook(join(w.dir, 'runbooks/pg-disk-full.yaml')).runbook!.doc;
  assert.deepEqual(prose(built), prose(readRunbook(EXAMPLE).runbook!.doc));

  // The two typos the page describes give the errors it shows, at the positions it shows.
  const typos = RUNBOOK_TEXT.replace('df --output=pcent ${{ inputs.data_dir }}', 'df --output=pcent ${{ inputs.datadir }}')
    .replace('      - goto: biggest-tables', '      - goto: biggest-table');
  writeFileSync(join(w.dir, 'runbooks/pg-disk-full.yaml'), typos);
  const bad = w.sh(commands(inSection('3.', 'sh')[0]!).join('\n'), { raw: true });
  assert.equal(bad.code, 2, bad.out);
  assertShows(bad.out, inSection('3.', '')[0]!.text, 'validate with two typos');
});

test('section 4: runbook test, a failing case and a cases-file mistake print what the page shows', () => {
  const w = workspace();
  writeTutorialRunbook(w);
  const [tested, failing, mistake] = inSection('4.', '');
  const run = w.sh(shownCommand(tested!)!);
  assert.equal(run.code, 0, run.out);
  assertShows(run.out, tested!.text, 'runbook test');

  // "Suppose you copied the case … and archiving lost its fixed: key".
  const example = readFileSync(join(ROOT, 'runbooks/examples/pg-disk-full.cases.yaml'), 'utf8');
  const copied = /\n( {2}- name: archiving fails; fixed by hand, then usage drops\n(?: {4}.*\n)+)/.exec(example)![1]!;
  writeFileSync(join(w.dir, 'runbooks/pg-disk-full.cases.yaml'), `${CASES_TEXT}${copied}`);
  writeFileSync(join(w.dir, 'runbooks/pg-disk-full.yaml'), RUNBOOK_TEXT.replace('on: { fixed: recheck, not-fixed: archive-broken }', 'on: { not-fixed: archive-broken }'));
  assert.match(w.sh(`runbook validate runbooks/pg-disk-full.yaml`).out, /\[choice-without-branch\]/);
  const failed = w.sh(shownCommand(tested!)!);
  assert.equal(failed.code, 1, failed.out);
  assertShows(failed.out, failing!.text, 'the failing case');

  writeFileSync(join(w.dir, 'runbooks/pg-disk-full.yaml'), RUNBOOK_TEXT);
  writeFileSync(join(w.dir, 'runbooks/pg-disk-full.cases.yaml'), CASES_TEXT.replace('gates: { drop-slot: skip }', 'gates: { drop-slots: skip }'));
  const wrong = w.sh(shownCommand(tested!)!);
  assert.equal(wrong.code, 2, wrong.out);
  assertShows(wrong.out, mistake!.text, 'a mistake in the cases file');
});

test('the finished example validates without warnings, and its cases pass and take every route', () => {
  const v = cli(['validate', EXAMPLE]);
  assert.equal(v.code, 0, v.stdout);
  assert.match(v.stdout, /1 runbook checked: 0 errors, 0 warnings/);
  const r = cli(['test', EXAMPLE, '--require-full-coverage']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /coverage: 20\/20 routes \(100%\)/);
  assert.match(r.stdout, /12 cases: 12 passed, 0 failed/);
  assert.match(TUTORIAL, /The example's twelve cases take all 20\./);
});

let server: LabServer | undefined;
let monitorUrl = '';
before(async () => {
  server = await startPostgres();
  // Section 5's role, made with the page's own statement.
  const sql = inSection('5.', 'sql')[0]!.text;
  const password = /PASSWORD '([^']+)'/.exec(sql)![1]!;
  const admin = new pg.Client({ connectionString: server.adminUrl() });
  await admin.connect();
  try { await admin.query(sql); } finally { await admin.end(); }
  monitorUrl = server.url({ user: 'monitor', password });
});
after(() => server?.stop());

test('section 5: the dry run, exactly as the page writes it, against PostgreSQL from a machine that is not its host', () => {
  const w = workspace();
  writeTutorialRunbook(w);
  const shown = inSection('5.', '').find((b) => shownCommand(b)?.includes('--dry-run'))!;
  const command = shownCommand(shown)!;
  assert.match(command, /^echo nothing-to-free \| runbook run runbooks\/pg-disk-full\.yaml --dry-run --plain /);
  // The URL comes from DATABASE_URL (the input's env:), as in the page's first dry-run command, for the role
  // the page names (monitor, made by the page's own SQL on this fresh server), not the superuser.
  const r = w.sh(command, { env: { DATABASE_URL: monitorUrl } });
  assert.equal(r.code, 1, `escalate exits 1\n${r.out}`);
  assertShows(r.out, shown.text, 'the dry run');
  for (const step of ['disk', 'connect', 'wal', 'biggest-tables', 'cleanup']) assert.match(r.out, new RegExp(`^ok\\s+${step} `, 'm'), r.out);
  assert.match(r.out, /ran in the sandbox \(read-only files, no signals\): disk/);
  assert.doesNotMatch(r.out, /choose-one/, 'the password never shows');
  // Without the page's data_dir (the default is a database host's path), the run ends at cannot-measure, as the
  // page says, with df's message on one line.
  const here = w.sh(command.replace(' --input data_dir=/', ''), { env: { DATABASE_URL: monitorUrl } });
  assert.match(here.out, /branch +disk → cannot-measure/);
  assert.match(here.out, /finished escalate .*\(df: \/var\/lib\/postgresql\/data: No such file or directory\)\. Run this on the database host/);
});

test('every SQL statement of the runbook is valid on PostgreSQL (the destructive one fails only for want of a slot)', async () => {
  const doc = readRunbook(EXAMPLE).runbook!.doc;
  const client = new pg.Client({ connectionString: server!.adminUrl() });
  await client.connect();
  try {
    for (const step of doc.steps.filter((s) => s.sql)) {
      const query = step.sql!.query as string;
      const params = (step.sql!.params ?? []).map(() => 'no_such_slot');
      await client.query('BEGIN');
      try {
        await client.query(query, params);
        assert.ok(!step.destructive, `${step.id} should have failed on a missing slot`);
      } catch (e) {
        assert.ok(step.destructive, `${step.id}: ${(e as Error).message}`);
        // The statement parsed and the function exists: no such slot (42704), or the lab's wal_level=minimal
        // allows no slots at all (55000). A typo would be 42601 / 42883.
        assert.ok(['42704', '55000'].includes((e as { code?: string }).code ?? ''), `${step.id}: ${(e as Error).message}`);
      } finally {
        await client.query('ROLLBACK');
      }
    }
  } finally {
    await client.end();
  }
});
