// The ink UI in a real terminal: tmux runs the CLI, the test reads the screen and presses keys. The gate must
// hold the destructive step until y; a aborts (exit 130); Ctrl-C twice aborts a running step.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { sleep } from './helpers.js';
import { hasTmux, Terminal } from './terminal.js';

describe('the terminal UI in tmux', { skip: !hasTmux && 'tmux not installed', concurrency: true }, () => {
  test('a at the gate aborts: the file is not created, exit 130', async () => {
    const t = new Terminal('create-file.yaml');
    try {
      const screen = await t.until('CONFIRM');
      assert.match(screen, /will run +touch .*marker/);
      await t.until('abort the run'); // the gate's keys are shown once they work
      t.keys('x'); // any other key: nothing happens
      await sleep(300);
      assert.match(t.screen(), /CONFIRM/);
      t.keys('a');
      assert.equal(await t.exitCode(), 130);
      assert.equal(existsSync(t.file), false);
      assert.match(t.screen(), /ABORTED/);
    } finally { t.close(); }
  });

  test('at the gate, Ctrl-C and y sent together answer the abort question: exit 130, the destructive step never ran', async () => {
    const t = new Terminal('create-file.yaml');
    try {
      await t.until('abort the run');
      t.keys('C-c', 'y'); // one send-keys: the terminal delivers them back to back, often in one read
      assert.equal(await t.exitCode(), 130, t.history());
      assert.equal(existsSync(t.file), false, 'the gated step did not run');
    } finally { t.close(); }
  });

  test('TERM=dumb in a real terminal: plain lines, no cursor movement, the gate refused and the way to approve it said', async () => {
    const t = new Terminal('create-file.yaml', [], { env: { TERM: 'dumb' }, cols: 80, rows: 24 });
    try {
      const raw = t.recordRaw();
      assert.equal(await t.exitCode(), 1);
      assert.equal(existsSync(t.file), false, 'the unapproved destructive step did not run');
      const history = t.history();
      assert.match(history, /plain mode: this terminal \(TERM=dumb\) cannot draw/);
      assert.match(history, /STOPPED +'create-marker' is destructive and was not approved/);
      assert.doesNotMatch(history, /CONFIRM/, 'the ink gate was never drawn');
      // Whatever was captured of the run's bytes moves no cursor and clears nothing.
      assert.doesNotMatch(existsSync(raw) ? readFileSync(raw, 'utf8') : '', /\u001b\[(\d+;?)*[ABCDHJK]/);
    } finally { t.close(); }
  });

  test('y at the gate runs the step: the file is created, exit 0', async () => {
    const t = new Terminal('create-file.yaml');
    try {
      await t.until('CONFIRM');
      assert.equal(existsSync(t.file), false, 'nothing ran before the answer');
      await t.until('abort the run');
      t.keys('y');
      assert.equal(await t.exitCode(), 0);
      assert.equal(existsSync(t.file), true);
      const screen = t.screen();
      assert.match(screen, /RESOLVED/);
    } finally { t.close(); }
  });

  test('Ctrl-C asks first, a second Ctrl-C aborts the running step (exit 130); the terminal is usable after', async () => {
    const t = new Terminal('pool-drain.yaml', ['-i', 'hold=300']);
    try {
      await t.until('waiting 300s for the rest');
      t.keys('C-c');
      await t.until('end the run? (y/n)');
      t.keys('C-c');
      // What the terminal showed, should the exit be another: the route the run took is the clue.
      assert.equal(await t.exitCode(), 130, t.history());
      assert.equal(existsSync(t.file), false);
      // Raw mode is off again: the shell after the run echoes typed text.
      t.keys('-l', 'echo typed-after');
      await t.until('echo typed-after');
    } finally { t.close(); }
  });
});
