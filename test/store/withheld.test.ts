// The team store keeps what the transcript keeps, and no more (issue #46): a step given a secret has its output,
// its rows and its error text withheld in the store's rows as in the file, with the same record of why and how long; `runbook follow` draws them withheld. The secret and the forms the steps printed it in are in
// no row of runbook.events. The generated corpus of taint-flow (test/secrets/taint-corpus.ts) run with the store:
// what bash printed for each script, and every form on the way decoded back to the secret, is in no store row
// and not on a follower's screen.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { writeRunbook } from '../hardening/helpers.js';
import { bashPrints, corpus, corpusSteps, decodedForms, scripts, SCRIPTS, SECRET as CORPUS_SECRET, SEED, telling } from '../secrets/taint-corpus.js';
import { fileLines, machineEnv, pushWhole, scratch, startStoreLab, type StoreLab } from './helpers.js';

const SECRET = 'Kq7vWm2xTz9pLr4s';
/** Each form a step below prints the secret in, as bash or the server prints it. */
const FORMS = [SECRET, Buffer.from(SECRET).toString('base64'), [...SECRET].reverse().join(''), SECRET.toUpperCase(), Buffer.from(SECRET).toString('hex')];

describe('the team store: a step given a secret is withheld in its rows', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  it('shell output, SQL rows and a server error quoting a bound secret: withheld in the store as in the transcript', async (t) => {
    const dir = scratch(t);
    const file = writeRunbook(dir, 'secret-flow', `name: secret-flow
title: A secret in, its forms out
inputs:
  pw: { secret: true }
  url: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: encoded
    destructive: false
    safe_because: prints forms of the secret, writes nothing
    shell:
      run: printf '%s\\n' "$S" | base64; printf '%s' "$S" | rev >&2; printf '%s' "$S" | xxd -p
      env: { S: "\${{ inputs.pw }}" }
  - id: rows
    destructive: false
    safe_because: selects a transformed parameter
    sql: { query: "SELECT upper($1) AS u, reverse($1) AS r", params: ["\${{ inputs.pw }}"] }
  - id: refused
    destructive: false
    safe_because: the cast fails, quoting the value
    sql: { query: "SELECT upper($1)::int AS n", params: ["\${{ inputs.pw }}"] }
    on: { error: done }
  - id: done
    end: resolved
`);
    const transcript = join(dir, 't.jsonl');
    const env = { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice') };
    const ran = cli(['run', file, '--plain', '--transcript', transcript, '-i', `pw=${SECRET}`, '-i', `url=${lab.server.url()}`], { env });
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    pushWhole(transcript, env);
    const runId = (JSON.parse(fileLines(transcript)[0]!) as { runId: string }).runId;

    const carol = await lab.as('carol');
    t.after(() => carol.end());
    const rows = (await carol.query<{ line: string }>('SELECT line FROM runbook.events WHERE run_id = $1 ORDER BY seq', [runId])).map((r) => r.line);
    assert.deepEqual(rows, fileLines(transcript), 'the store holds the transcript\'s lines, each as written');
    const finished = (id: string) => rows.map((l) => JSON.parse(l) as { type: string; stepId?: string; result?: Record<string, unknown> })
      .find((l) => l.type === 'step-finished' && l.stepId === id)?.result;
    const encoded = finished('encoded')!;
    assert.deepEqual([encoded.stdout, encoded.stderr], ['****', '****']);
    assert.deepEqual((encoded.withheld as { because: string[] }).because, ['env S']);
    assert.deepEqual(encoded.withheld, { because: ['env S'] }, 'no size of what it printed (stop 80)');
    assert.equal(finished('rows')!.rows, undefined, 'its rows are withheld, their count and columns too (stop 80)');
    assert.equal(finished('refused')!.error, '****', 'the server quoted the value in its error: withheld');
    for (const line of rows) for (const form of FORMS) assert.ok(!line.includes(form), `${form} is in a store row: ${line.slice(0, 200)}`);

    // A teammate following it sees it withheld too.
    const followed = cli(['follow', runId], { env: { ...machineEnv(scratch(t)), RUNBOOK_STORE: lab.url('carol') } });
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, /withheld/);
    for (const form of FORMS) assert.ok(!(followed.stdout + followed.stderr).includes(form), `${form} is on the follower's screen`);
  });

  it(`the generated corpus (${SCRIPTS} scripts, seed ${SEED}): no form bash printed, nor any form on the way, is in a store row or on a follower's screen`, async (t) => {
    const dir = scratch(t);
    const file = writeRunbook(dir, 'corpus', `name: corpus
title: Forms of a secret, with the store
inputs:
  pw: { secret: true }
steps:
${corpusSteps()}  - id: done
    end: resolved
`);
    const transcript = join(dir, 't.jsonl');
    const env = { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice') };
    const ran = cli(['run', file, '--plain', '--transcript', transcript, '-i', `pw=${CORPUS_SECRET}`], { env });
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    pushWhole(transcript, env);
    const runId = (JSON.parse(fileLines(transcript)[0]!) as { runId: string }).runId;
    const carol = await lab.as('carol');
    t.after(() => carol.end());
    const stored = (await carol.query<{ line: string }>('SELECT line FROM runbook.events WHERE run_id = $1 ORDER BY seq', [runId])).map((r) => r.line);
    assert.deepEqual(stored, fileLines(transcript), 'the store holds the transcript\'s lines');
    const followed = cli(['follow', runId], { env: { ...machineEnv(scratch(t)), RUNBOOK_STORE: lab.url('carol') } });
    assert.equal(followed.code, 0, followed.stderr);
    const records = { 'a store row': stored.join('\n'), "the follower's screen": followed.stdout + followed.stderr };
    let checked = 0;
    for (const [i, script] of scripts.entries()) {
      const real = bashPrints(script);
      for (const form of [CORPUS_SECRET, real.stdout, real.stderr, ...decodedForms(corpus[i]!, real)]) {
        for (const line of telling(form)) {
          checked++;
          for (const [where, text] of Object.entries(records)) assert.ok(!text.includes(line), `${script}: ${JSON.stringify(line)} is in ${where}`);
        }
      }
    }
    assert.ok(checked >= SCRIPTS, `the corpus printed forms to look for (${checked})`);
    assert.match(followed.stdout, /withheld/);
  });
});
