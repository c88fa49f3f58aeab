// Secrets by where they flowed (issue #46). A generated corpus (fixed seed) of scripts that print a secret input
// spread out, byte-escaped, transformed and split across stdout and stderr, in forms no list of encodings holds;
// a step that reads one of their outputs; and SQL that the server answers with a bound secret transformed, in its
// rows and in its error text, on PostgreSQL and MariaDB. The oracle is bash itself: each script is run here with
// the same secret, and what it really printed (each line of it) is in no transcript, report or screen line; the
// record says what was withheld, why, and no size of what bash printed nor a hash of it (stop 80). Each output is
// decoded the way its transforms encoded it, one at a time, back to the secret (decoders.ts), and no form on
// the way is in a record.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { bashPrints, corpus, corpusSteps, decodedForms, scripts, SCRIPTS, SECRET, SEED, sha, telling } from './taint-corpus.js';

type Finished = { type: string; stepId: string; result: { stdout?: string; stderr?: string; error?: string; rows?: Record<string, string>[]; withheld?: { because: string[]; stdout?: { bytes: number }; stderr?: { bytes: number } } } };
const finishedOf = (lines: Record<string, unknown>[], id: string) => lines.find((l) => l.type === 'step-finished' && l.stepId === id) as Finished | undefined;

describe('a step given a secret: what it printed is withheld, by where the secret went', () => {
  it(`${SCRIPTS} generated scripts (seed ${SEED}): bash's own output of each is in no record; the record names the secret and keeps no size of the output`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const steps = corpusSteps();
    const file = writeRunbook(dir, 'corpus', `name: corpus
title: Forms of a secret
inputs:
  pw: { secret: true }
steps:
${steps}  - id: reuse
    destructive: false
    safe_because: prints what an earlier step printed
    shell: printf '%s\\n' "\${{ upper(steps.s0.output) }}" | rev
  - id: plain
    shell: echo nothing secret here
  - id: done
    end: resolved
    message: "first: \${{ steps.s1.output }}; plain: \${{ steps.plain.output }}"
`);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', file, '--plain', '--transcript', transcript, '-i', `pw=${SECRET}`], { timeoutMs: 100_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const report = await cli(['report', transcript]);
    assert.equal(report.code, 0, report.stderr);
    const lines = transcriptLines(transcript);
    const records = { screen: r.stdout + r.stderr, transcript: readFileSync(transcript, 'utf8'), report: report.stdout };
    let printed = 0;
    for (const [i, script] of scripts.entries()) {
      const real = bashPrints(script);
      const f = finishedOf(lines, `s${i}`);
      assert.ok(f, `s${i} finished`);
      assert.deepEqual(f.result.withheld?.because, ['env S'], script);
      for (const stream of ['stdout', 'stderr'] as const) {
        if (!real[stream]) continue;
        printed++;
        assert.equal(f.result[stream], '****', `${script}: ${stream}`);
        // Nor its size (stop 80: a size is the code's choice, `printf '%*s' "$pin"` printed the PIN as one).
        assert.equal(f.result.withheld?.[stream], undefined, `${script}: ${stream} sized`);
        // No hash of what it printed either: a hash of a short secret is the secret (a guess tests against it).
        const hash = sha(real[stream]);
        for (const [where, text] of Object.entries(records)) assert.ok(!text.includes(hash.slice(0, 12)), `${script}: the sha256 of its ${stream} is on the ${where}`);
        for (const line of telling(real[stream])) {
          for (const [where, text] of Object.entries(records)) assert.ok(!text.includes(line), `${script}: ${JSON.stringify(line)} is on the ${where}`);
        }
      }
      assert.ok(!lines.some((l) => l.type === 'step-output' && l.stepId === `s${i}`), `${script}: nothing streamed to the record`);
      // Each form on the way, decoded back to the secret: none of it is in a record either.
      for (const f of decodedForms(corpus[i]!, real)) {
        for (const line of telling(f)) for (const [where, text] of Object.entries(records)) assert.ok(!text.includes(line), `${script}: the form ${JSON.stringify(line)} is on the ${where}`);
      }
    }
    assert.ok(printed >= SCRIPTS, 'the scripts printed something');
    // A value read from a withheld result is a secret in turn: the step given it withholds too; the message masks it.
    assert.deepEqual(finishedOf(lines, 'reuse')?.result.withheld?.because, ['${{ upper(steps.s0.output) }}']);
    const upperRev = [...bashPrints(scripts[0]!).stdout.trimEnd().toUpperCase()].reverse().join('');
    for (const [where, text] of Object.entries(records)) if (upperRev.length >= 10) assert.ok(!text.includes(upperRev), `the reuse step's output is on the ${where}`);
    assert.equal(finishedOf(lines, 'plain')?.result.stdout, 'nothing secret here\n', 'a step given no secret is recorded as it printed');
    assert.match(records.report, /_Withheld: given a secret \(env S\): its output, exit code, counts and sizes are withheld/);
    assert.match(records.screen, /withheld s0: given a secret \(env S\)/);
  });
});

describe('SQL given a secret: rows and the server\'s error text are withheld', () => {
  let servers: { postgres: LabServer; mariadb: LabServer };
  before(async () => { const [postgres, mariadb] = await Promise.all([startPostgres(), startMariadb()]); servers = { postgres, mariadb }; });
  after(async () => { await Promise.all(Object.values(servers ?? {}).map((s) => s.stop())); });

  for (const engine of ['postgres', 'mariadb'] as const) {
    it(`on ${engine}: upper(), translate() and a cast the server refuses, each of a bound secret`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const dir = scratch(t);
      const pg = engine === 'postgres';
      const p = pg ? '$1' : '?';
      const file = writeRunbook(dir, `sql-${engine}`, `name: sql-${engine}
title: The server prints a bound secret
inputs:
  pw: { secret: true }
  url: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: rows
    destructive: false
    safe_because: selects a transformed parameter
    sql: { query: "SELECT upper(${p}) AS u, reverse(${p}) AS r, ${pg ? `translate(${p}, 'abcdefghij', '0123456789')` : `replace(${p}, 'a', '0')`} AS t", params: ["\${{ inputs.pw }}"${pg ? '' : ', "${{ inputs.pw }}", "${{ inputs.pw }}"'}] }
  - id: table
    destructive: true
    sql: { query: "CREATE TABLE IF NOT EXISTS taint_i (i INT)" }
  - id: refused
    destructive: true
    sql: { query: "${pg ? 'INSERT INTO taint_i VALUES (upper($1)::int)' : 'INSERT INTO taint_i VALUES (UPPER(?))'}", params: ["\${{ inputs.pw }}"] }
    on: { error: done }
  - id: done
    end: resolved
`);
      const transcript = join(dir, 't.jsonl');
      const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '-i', `pw=${SECRET}`, '-i', `url=${servers[engine].url()}`], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const lines = transcriptLines(transcript);
      const rows = finishedOf(lines, 'rows')!.result;
      assert.equal(rows.rows, undefined, 'its rows, their count and columns withheld (stop 80)');
      assert.deepEqual(rows.withheld?.because, pg ? ['param 1 (${{ inputs.pw }})'] : ['param 1 (${{ inputs.pw }})', 'param 2 (${{ inputs.pw }})', 'param 3 (${{ inputs.pw }})']);
      const refused = finishedOf(lines, 'refused')!.result;
      assert.equal(refused.error, '****', 'the server quoted the value back in its error: withheld');
      // A statement given no secret is recorded as it is, unless its session may hold a secret an earlier step left
      // there: on MariaDB a vouched read may set a user variable, which outlives its rolled-back transaction.
      const table = finishedOf(lines, 'table')!.result.withheld;
      if (pg) assert.ok(table === undefined, 'a statement given no secret is recorded as it is');
      else assert.match(JSON.stringify(table?.because), /the session of connection db, given param 1 .* by step rows/);
      const report = await cli(['report', transcript]);
      const forms = [SECRET, SECRET.toUpperCase(), [...SECRET].reverse().join(''), pg ? SECRET.replace(/[a-j]/g, (c) => String(c.charCodeAt(0) - 97)) : SECRET.replaceAll('a', '0')];
      for (const [where, text] of Object.entries({ screen: r.stdout + r.stderr, transcript: readFileSync(transcript, 'utf8'), report: report.stdout })) {
        for (const form of forms) assert.ok(!text.includes(form), `${form} is on the ${where}`);
      }
    });
  }
});
