// The engine's side of "resolved" (engine/application-check.ts): a runbook that names its application's connection
// ends `resolved` only if that URL keeps logging in through the hold; a login that fails, at any point of it, or a
// URL the run cannot fill in, ends it `escalate`. The logins here are scripted (the subject is the engine's
// decision; test/runbooks/resolved-at-end.test.ts makes them against a real server and real proxies).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NOT_CHECKED } from '../../src/engine/application-check.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { attachTranscript } from '../../src/transcript/index.js';
import { headerRows } from '../../src/ui/frame/header.js';
import { paint } from '../../src/ui/plain/paint.js';
import { PlainFormatter } from '../../src/ui/plain/plain-format.js';
import { initialViewModel, reduce } from '../../src/ui/view-model.js';
import { harness, runbookFrom, type Script } from '../helpers/scripted.js';
import { schemaProblems } from '../helpers/transcript-schema.js';

const runbook = (application: string) => `name: app-check
title: The application's check at the end
inputs:
  url: { type: url, secret: true }
${application}
steps:
  - id: fix
    shell: "true"
  - id: done
    end: resolved
    message: fixed
`;

function loginsFailingAt(n: number, calls: string[]): Script {
  let count = 0;
  return {
    done: async (action) => {
      calls.push(action.kind === 'probe' ? `${action.probe} ${action.url}` : action.kind);
      count++;
      return count === n ? { status: 'failed', classification: 'refused', error: 'connect ECONNREFUSED' } : { status: 'ok', classification: 'ok' };
    },
  };
}

test('the URL logs in through the hold: resolved, saying so', async (t) => {
  const calls: string[] = [];
  const yaml = runbook('application: { url: "${{ inputs.url }}", hold: 1s }');
  const h = harness(yaml, loginsFailingAt(0, calls), { inputs: { url: 'postgres://app:pw@db:5432/app' } });
  const dir = mkdtempSync(join(tmpdir(), 'app-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'run.jsonl');
  const transcript = attachTranscript(h.run, runbookFrom(yaml), { file, argv: ['run', 'app-check'], redactor: new Redactor(), inputs: {} });
  const end = await h.run.start();
  transcript.close();
  assert.equal(end.outcome, 'resolved');
  assert.match(end.message, /^fixed \(Checked at the end: the application's URL logged in 2 times in 1\.\d s, each ok\.\)$/);
  assert.deepEqual(calls, ['db-connect postgres://app:pw@db:5432/app', 'db-connect postgres://app:pw@db:5432/app']);
  // The hold is on the screen while it lasts, not a still frame: its event comes before the run's end.
  const types = h.events.map((e) => e.type);
  assert.equal(types.indexOf('application-check'), types.length - 2);
  const check = h.events.find((e) => e.type === 'application-check')!;
  assert.deepEqual(check, { type: 'application-check', holdMs: 1000, everyMs: 1000 });
  const during = h.events.slice(0, -1).reduce((vm, e) => reduce(vm, e, 0), initialViewModel());
  // Recorded as the transcript's schema says (test/transcript/writer.test.ts's fixture names no application).
  const recorded = schemaProblems(file);
  assert.deepEqual(recorded.problems, []);
  assert.ok(recorded.types.has('application-check'));
  assert.match(headerRows({ vm: during, now: 0, width: 100 })[0]!.map((s) => s.text).join(''), /checking the application/);
  assert.deepEqual(new PlainFormatter(paint(false)).format(check).map((l) => l.replace(/\s+/g, ' ')), ["checking the application's connection: a login every 1.0s for 1.0s before it is called resolved"]);
});

test('a login that fails later in the hold: escalate, naming it', async () => {
  const calls: string[] = [];
  const h = harness(runbook('application: { url: "${{ inputs.url }}", hold: 3s }'), loginsFailingAt(3, calls), { inputs: { url: 'postgres://app:pw@db:5432/app' } });
  const end = await h.run.start();
  assert.equal(end.outcome, 'escalate');
  assert.equal(end.stepId, 'done');
  assert.match(end.message, /the application's URL, checked at the end, failed on login 3 \([\d.]+ s in\): refused: connect ECONNREFUSED/);
  assert.equal(calls.length, 3);
});

test('a URL the run cannot fill in: escalate, nothing checked', async () => {
  const calls: string[] = [];
  const h = harness(runbook('application: { url: "${{ default(inputs.url, \'\') }}" }'), loginsFailingAt(0, calls), { inputs: {} });
  const end = await h.run.start();
  assert.equal(end.outcome, 'escalate');
  assert.match(end.message, /the application's URL is empty at the end: nothing checked that the application connects/);
  assert.deepEqual(calls, []);
});

/** The same runbook, talking to a database: a probe of the input's URL where it ran `true`. */
const probing = (application: string) => runbook(application).replace('shell: "true"', 'probe: db-connect\n    with: { url: "${{ inputs.url }}" }');

test('a runbook that talks to a database and names no application: resolved, saying nothing checked it; validate warns at its end', async () => {
  const calls: string[] = [];
  const h = harness(probing(''), loginsFailingAt(1, calls), { inputs: { url: 'postgres://app:pw@db:5432/app' } });
  const end = await h.run.start();
  assert.equal(end.outcome, 'resolved');
  assert.equal(end.message, `fixed ${NOT_CHECKED}`);
  assert.deepEqual(calls, []);
  const unnamed = (yaml: string) => parseRunbook(yaml, 'app.yaml').diagnostics.filter((d) => d.code === 'application-unnamed');
  const warned = unnamed(probing(''));
  assert.deepEqual(warned.map((d) => [d.severity, d.line, d.col]), [['warning', 11, 10]]);
  assert.match(warned[0]!.message, /step 'done' ends resolved, but nothing checks at the end that the application connects/);
  // Named, no resolved end, or no database talked to: nothing to warn of.
  assert.deepEqual(unnamed(probing('application: { url: "${{ inputs.url }}" }')), []);
  assert.deepEqual(unnamed(probing('').replace('end: resolved', 'end: escalate')), []);
  assert.deepEqual(unnamed(runbook('')), []);
});

test('a runbook that talks to no database ends as it did: no application to check', async () => {
  const calls: string[] = [];
  const end = await harness(runbook(''), loginsFailingAt(1, calls), { inputs: {} }).run.start();
  assert.deepEqual([end.outcome, end.message, calls], ['resolved', 'fixed', []]);
});

test("a called runbook's resolved end is a step's result: neither checked nor marked", async () => {
  const h = harness(probing(''), {}, { inputs: { url: 'postgres://app:pw@db:5432/app' }, called: true });
  const end = await h.run.start();
  assert.deepEqual([end.outcome, end.message], ['resolved', 'fixed']);
});
