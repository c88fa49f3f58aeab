// --plain on a real terminal (tmux): a secret typed or pasted at a secret prompt is not echoed, the terminal's echo
// is off only while the secret question is open (stty -F on the pane's tty says so), and it is back on after the
// answer, after Ctrl-C at the question, and for the next, ordinary question (whose answer is seen as typed).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, test } from 'node:test';
import { Tmux, TMUX } from '../hardening/tmux.js';
import { scratch, writeRunbook } from '../hardening/helpers.js';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const dir = scratch({ after });
const SECRET = 'PastedSecret-4711-xyz';
const rb = writeRunbook(dir, 'echo', `name: echo
title: echo
steps:
  - id: ask
    prompt: { message: "token?", secret: true }
    capture: tok
  - id: ask2
    prompt: { message: "name?" }
  - id: use
    shell: 'test "\${{ length(tok.value) }}" -eq ${SECRET.length}'
  - { id: done, end: resolved }
`);

/** Whether the pane's terminal echoes what is typed. */
function echoes(t: Tmux): boolean {
  const tty = t.tmux('display', '-p', '-t', 'main', '#{pane_tty}').trim();
  const settings = execFileSync('stty', ['-F', tty, '-a'], { encoding: 'utf8' });
  return !/(^|\s)-echo(\s|$)/.test(settings);
}

test('a secret answer is not echoed in plain mode; echo is back for the next question', { skip: !TMUX, timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const term = new Tmux(dir, ['run', rb, '--plain', '--no-transcript']);
  t.after(() => term.close());
  await term.until('token? (secret)');
  await until(() => (echoes(term) ? undefined : true), 10_000, 'echo off while the secret question is open');
  term.text(SECRET);
  term.keys('Enter');
  await term.until('name?');
  assert.ok(!term.screen().includes(SECRET), `the secret is on screen:\n${term.screen()}`);
  assert.ok(!term.screen().includes('4711'), 'no part of it either');
  await until(() => (echoes(term) ? true : undefined), 10_000, 'echo back on for the next question');
  term.text('visible-name');
  assert.ok((await term.until('visible-name')).includes('visible-name'), 'an ordinary answer is echoed');
  term.keys('Enter');
  // The step got the answer's real length (its output is withheld: it was given a value computed from a secret).
  await term.until('finished resolved');
  assert.equal(await term.exitCode(), 0);
  assert.ok(!term.screen().includes(SECRET), term.screen());
});

test('Ctrl-C at a secret question leaves the terminal echoing', { skip: !TMUX, timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const term = new Tmux(dir, ['run', rb, '--plain', '--no-transcript']);
  t.after(() => term.close());
  await term.until('token? (secret)');
  await until(() => (echoes(term) ? undefined : true), 10_000, 'echo off while the secret question is open');
  term.text('half-typed');
  term.keys('C-c');
  const code = await term.exitCode();
  assert.notEqual(code, 0);
  assert.ok(echoes(term), 'echo is back on after the run stopped');
  assert.ok(!term.screen().includes('half-typed'), term.screen());
});

for (const piped of [false, true]) {
  test(`kill -9 at a secret question${piped ? ', output piped' : ''}: the terminal echoes again (the guardian outside the process restores it)`, { skip: !TMUX, timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const term = new Tmux(dir, ['run', rb, '--plain', '--no-transcript'], { piped });
    t.after(() => term.close());
    await term.until('token? (secret)');
    await until(() => (echoes(term) ? undefined : true), 10_000, 'echo off while the secret question is open');
    process.kill(term.nodePid(), 'SIGKILL');
    assert.equal(await term.exitCode(), 137);
    await until(() => (echoes(term) ? true : undefined), 10_000, 'echo back on after the kill -9');
  });
}
