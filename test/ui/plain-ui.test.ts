// Plain mode in-process: a real Run, stdout and stdin as pipes. Approvals by flag only, answers from stdin,
// a closed stdin stops the run, dry runs list what a real run would ask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { attachUI, type UIOptions } from '../../src/ui/index.js';
import { STDIN_CLOSED } from '../../src/ui/plain/plain-ui.js';
import { ask, ends, testRun, type Script } from './helpers.js';

const DESTRUCTIVE = `
name: plain
title: Plain mode
steps:
  - id: look
    shell: echo look
  - id: restart-app
    destructive: true
    description: Restarts the app.
    shell: systemctl restart app
  - id: done
    end: resolved
    message: all good
`;

const QUESTIONS = `
name: ask
title: Ask
steps:
  - id: fix
    manual: { instructions: 'Restart it by hand.', choices: [fixed, not-fixed] }
  - id: region
    prompt: { message: Which region?, pattern: '[a-z]+-[0-9]' }
  - id: done
    end: resolved
`;

const askScript: Script = { fix: ask, region: ask };

async function plainRun(yaml: string, opts: Partial<UIOptions> = {}, script: Script = {}, input?: string) {
  const t = testRun(yaml, script, { dryRun: opts.dryRun ?? false });
  const stdout = new PassThrough();
  const stdin = new PassThrough();
  let text = '';
  stdout.on('data', (d) => { text += d; });
  if (input !== undefined) stdin.end(input);
  const ui = await attachUI(t.run, {
    mode: 'plain', approve: [], yes: false, dryRun: false, color: false, ...opts,
    stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream,
  });
  const finished = await ends(t.run.start());
  await ends(ui.done, 'the UI to be done');
  return { ...t, finished, text: () => text };
}

test('plain: an unapproved destructive step does not run; the run fails and says how to approve', async () => {
  const r = await plainRun(DESTRUCTIVE);
  assert.deepEqual(r.executed, ['look']);
  assert.equal(r.finished.outcome, 'failed');
  assert.match(r.finished.message, /--approve restart-app/);
  assert.match(r.text(), /'restart-app' is destructive and was not approved/);
  assert.match(r.text(), /it would run: systemctl restart app/);
  assert.match(r.text(), /add --approve restart-app .*or run in a terminal/);
  assert.doesNotMatch(r.text(), /\u001b\[/, 'no colour or cursor codes');
});

test('plain: --approve <id> runs that step and says which flag approved it', async () => {
  const r = await plainRun(DESTRUCTIVE, { approve: ['restart-app'] });
  assert.deepEqual(r.executed, ['look', 'restart-app']);
  assert.equal(r.finished.outcome, 'resolved');
  assert.match(r.text(), /approved restart-app by --approve restart-app/);
  const confirm = r.events.find((e) => e.type === 'confirmation-answered');
  assert.deepEqual(confirm && { answer: confirm.answer, how: confirm.how }, { answer: 'yes', how: 'flag' });
  // The request reaches every listener before the answer.
  const types = r.events.map((e) => e.type);
  assert.ok(types.indexOf('confirmation-requested') < types.indexOf('confirmation-answered'));
});

test('plain: --yes approves every destructive step, and says so', async () => {
  const r = await plainRun(DESTRUCTIVE, { yes: true });
  assert.deepEqual(r.executed, ['look', 'restart-app']);
  assert.match(r.text(), /approved restart-app by --yes/);
});

test('plain: one line per event, output prefixed line by line, transcript path at start and end', async () => {
  const r = await plainRun(DESTRUCTIVE, { yes: true, transcriptPath: '/tmp/t.jsonl' }, {
    look: async (_a, ctx) => { ctx.onOutput('stdout', 'first\nsec'); ctx.onOutput('stdout', 'ond\n'); ctx.onOutput('stderr', 'warn'); return {}; },
  });
  const lines = r.text().split('\n');
  assert.ok(lines.includes('  | first') && lines.includes('  | second') && lines.includes('  ! warn'));
  assert.equal(lines.filter((l) => l.includes('/tmp/t.jsonl')).length, 2);
  assert.match(lines.at(-2)!, /transcript/);
  assert.ok(lines.some((l) => /^finished +resolved in .*: all good$/.test(l)));
});

test('plain: colour only when allowed', async () => {
  const r = await plainRun(DESTRUCTIVE, { yes: true, color: true });
  assert.match(r.text(), /\u001b\[32mok/);
  assert.doesNotMatch(r.text(), /\u001b\[\?25|\u001b\[[0-9]*[ABCDK]/, 'never cursor movement');
});

test('plain: a dry run renders the engine\'s own confirmations and lists what a real run would ask', async () => {
  const r = await plainRun(DESTRUCTIVE, { dryRun: true });
  assert.deepEqual(r.executed, ['look']);
  assert.equal(r.finished.outcome, 'resolved');
  assert.match(r.text(), /skipped +restart-app \(dry run, would run: systemctl restart app\)/);
  assert.match(r.text(), /a real run would ask you to confirm:\n {2}- restart-app: systemctl restart app/);
  assert.doesNotMatch(r.text(), /not approved/);
});

test('plain: questions are answered from stdin, line by line; a wrong answer is explained and read again', async () => {
  const r = await plainRun(QUESTIONS, {}, askScript, '2\neu west\neu-1\n');
  assert.equal(r.finished.outcome, 'resolved');
  const answers = r.events.filter((e) => e.type === 'question-answered').map((e) => e.answer);
  assert.deepEqual(answers, ['not-fixed', 'eu-1']);
  assert.match(r.text(), /expected lower-case letters, then '-', then a digit/);
  assert.doesNotMatch(r.text(), /\[a-z\]/, 'the pattern is said in words, not shown as a regex');
  assert.match(r.text(), /> Restart it by hand\./);
});

test('plain: stdin closed with a question pending stops the run safely', async () => {
  const r = await plainRun(QUESTIONS, {}, askScript, '1\n');
  assert.equal(r.finished.outcome, 'failed');
  assert.equal(r.finished.message, STDIN_CLOSED);
  assert.match(r.text(), /region needs an answer and stdin is closed/);
});
