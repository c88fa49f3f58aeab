// Hostile data on the operator's screen and in what is read later (#13): a runbook whose shell output, SQL
// cells and column names (real PostgreSQL and MariaDB), step titles templated from inputs, the gate's
// command, a prompt's answer and error messages carry CSI, OSC (OSC 52 clipboard writes, window titles),
// DCS, 8-bit C1 (CSI U+009B, OSC U+009D) and bidi overrides. Run through the real CLI in plain mode, for
// real and as a dry run; then `report` (Markdown and JSON) and `replay`. None of them may carry any of
// those characters raw (NO_COLOR: plain mode adds no escapes of its own), and each is shown visibly.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { cli, finished, ROOT, scratch, transcriptLines } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

/** Every class at once. Given on the command line (no NUL there) and typed as an answer. */
const PAYLOAD = '\x1b[2J\x1b[H·\x1b]52;c;UEFZTE9BRA==\x07·\x1b]0;pwned\x1b\\·\u009b2J·\u009d52;c;eA==\x07·\u202eevil\u202c·\u2066iso\u2069·\x1bP1$q\x1b\\';
/** What may not survive into anything shown: C0 but tab and newline, DEL, C1, bidi overrides and isolates. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const SHOWN = ['␛]52;c;UEFZTE9BRA==␇', '<U+009B>2J', '<U+202E>evil'];

const RUNBOOK = join(import.meta.dirname, 'fixtures', 'escapes.yaml');

function clean(what: string, text: string): void {
  const m = text.match(RAW);
  assert.equal(m, null, `${what}: a raw ${JSON.stringify(m?.[0])} near ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 60), (m?.index ?? 0) + 60))}`);
}

describe('terminal escapes in data never reach the screen, the report or the replay raw', { concurrency: true }, () => {
  const servers: Partial<Record<'postgres' | 'mariadb', LabServer>> = {};
  before(async () => { [servers.postgres, servers.mariadb] = await Promise.all([startPostgres(), startMariadb()]); });
  after(() => Promise.all(Object.values(servers).map((s) => s.stop())));

  for (const engine of ['postgres', 'mariadb'] as const) {
    test(`${engine}: plain run and dry run, report (Markdown, JSON) and replay`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const server = servers[engine]!;
      const dir = scratch(t);
      const file = RUNBOOK;
      const transcript = join(dir, 'run.jsonl');
      const args = ['run', file, '--plain', '-i', `label=${PAYLOAD}`, '-i', `url=${server.url()}`];

      const run = await cli([...args, '--yes', '--transcript', transcript], { stdin: `typed ${PAYLOAD}\n` });
      const lines = transcriptLines(transcript);
      assert.equal(finished(lines)?.outcome, 'resolved', `${run.stdout}\n${run.stderr}`);
      clean('plain run stdout', run.stdout);
      clean('plain run stderr', run.stderr);
      for (const s of SHOWN) assert.ok(run.stdout.includes(s), `plain run shows ${s}`);
      assert.match(run.stdout, /h<U\+202E>X/, 'the column name is shown, neutralised');
      // The engine kept the raw values: the SQL cell and the typed answer arrived exactly.
      const cells = lines.find((l) => l.type === 'step-finished' && l.stepId === 'cells') as { result: { rows: Record<string, string>[] } } | undefined;
      assert.equal(cells?.result.rows[0]?.a, PAYLOAD);
      assert.equal((lines.find((l) => l.type === 'question-answered') as { answer?: string } | undefined)?.answer, `typed ${PAYLOAD}`);

      const dry = await cli([...args, '--dry-run', '--no-transcript'], { stdin: `typed ${PAYLOAD}\n` });
      assert.equal(dry.code, 0, dry.stderr);
      clean('dry run stdout', dry.stdout);
      clean('dry run stderr', dry.stderr);
      assert.match(dry.stdout, /a real run would ask you to confirm/);

      const md = await cli(['report', transcript]);
      assert.equal(md.code, 0, md.stderr);
      clean('report (Markdown)', md.stdout);
      for (const s of SHOWN) assert.ok(md.stdout.includes(s), `the report shows ${s}`);

      const json = await cli(['report', transcript, '--format', 'json']);
      assert.equal(json.code, 0, json.stderr);
      clean('report (JSON)', json.stdout);
      assert.ok(JSON.stringify(JSON.parse(json.stdout)).includes(JSON.stringify(PAYLOAD).slice(1, -1)), 'the JSON report keeps the exact value, escaped');

      const replay = await cli(['replay', transcript, '--speed', '0']);
      assert.equal(replay.code, 0, replay.stderr);
      clean('replay', replay.stdout);
      for (const s of SHOWN) assert.ok(replay.stdout.includes(s), `the replay shows ${s}`);
    });
  }

  test('an error message quoting hostile text is one neutralised line', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const file = RUNBOOK;
    const r = await cli(['run', file, '--plain', '-i', `label=x`, '-i', `url=postgres://u@127.0.0.1:1/db`, '-i', `no\x1b]52;c;eA==\x07pe\u202e=1`]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    clean('stderr', r.stderr);
    clean('stdout', r.stdout);
  });
});

/** A runbook whose every shown text is hostile: title, summary, input and step descriptions and titles, a
 *  command name and a key the validator quotes. */
const HOSTILE = `name: evil
title: "Look \\e]52;c;cm0gLXJmIH4K\\a here \\e[2J"
summary: "sum \\e]0;pwned\\a \\u202eevil"
inputs:
  who: { description: "who \\e]52;c;eA==\\a", default: "x\\e[2J" }
steps:
  - id: look
    title: "step \\e]52;c;QUFBQQ==\\a"
    description: "desc \\u009b2J"
    shell: echo hi
    next:
      - if: "true"
        goto: done
  - id: done
    end: resolved
    message: "bye \\e]0;t\\a"
`;
const BROKEN = `name: broken
title: Broken
steps:
  - id: look
    shell: "x\\e]52;c;QUFBQQ==\\a --go"
    "bad\\e]52;c;eA==\\akey": 1
  - id: done
    end: resolved
`;

describe('every command that prints runbook text neutralises it (show, list, graph, validate, test)', { concurrency: true }, () => {
  test('no command writes to the streams but through cli/say.ts (the one sanitizer)', () => {
    const dir = join(ROOT, 'src', 'cli');
    const files = (function walk(d: string): string[] {
      return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
    })(dir);
    assert.ok(files.length > 20);
    for (const file of files.filter((f) => !f.endsWith(`${join('cli', 'say.ts')}`))) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /process\.(stdout|stderr)\.write\(|console\.(log|error|warn|info)\(/, `${relative(ROOT, file)} writes around cli/say.ts`);
    }
  });

  test('show, list, graph, validate and test on a hostile runbook: nothing raw, each shown visibly', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    mkdirSync(join(dir, 'runbooks'));
    const evil = join(dir, 'runbooks', 'evil.yaml');
    writeFileSync(evil, HOSTILE);
    writeFileSync(join(dir, 'runbooks', 'evil.cases.yaml'), 'cases:\n  - name: "case \\e]52;c;eA==\\a"\n    steps:\n      look: { stdout: "out \\e]52;c;eA==\\a" }\n    path: [look, done]\n    outcome: resolved\n');
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, BROKEN);
    const runs: [string, string[], number][] = [
      ['show', ['show', evil], 0], ['list', ['list'], 0], ['list --json', ['list', '--json'], 0], ['graph', ['graph', evil], 0],
      ['graph --format dot', ['graph', evil, '--format', 'dot'], 0], ['validate', ['validate', broken], 2], ['validate --json', ['validate', broken, '--json'], 2],
      ['test', ['test', evil], 0],
    ];
    for (const [what, args, code] of runs) {
      const r = await cli(args, { cwd: dir });
      assert.equal(r.code, code, `${what}: ${r.stdout}${r.stderr}`);
      clean(`${what} stdout`, r.stdout);
      clean(`${what} stderr`, r.stderr);
      // graph's Mermaid labels write ␛ (and ;) as Mermaid entities, drawn as ␛ (src/engine/mermaid-text.ts).
      if (!what.includes('json')) assert.ok(/␛\]52;c;|<U\+009B>|\\u001b\]52|#9243;\]52#59;c#59;/.test(r.stdout), `${what} shows the escape visibly: ${r.stdout}`);
    }
  });
});
