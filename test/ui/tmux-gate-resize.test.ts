// A resize while a gate is up (issue #44, found by a probe): at 200x50 the whole command fits and y is live;
// tmux then resized the window and sent y in the same instant, before the frame was laid out again, and y ran
// the step with most of its 31 lines off screen (5 of 10 trials). The gate now takes a key only while the
// terminal is the size its frame was drawn for, asked of the terminal itself at the key. Each size is tried
// several times; y never runs, and the redrawn gate says what is unseen.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hasTmux, Terminal, TMUX } from './terminal.js';
import { sleep, waitFor } from './helpers.js';
import { RESIZE_QUIET_MS } from '../../src/ui/ink/use-terminal-size.js';

const SIZES = [[80, 24], [60, 20], [40, 12], [80, 5]] as const;
const TRIALS = 3;

/** Once the screen is what the frame was laid out for: the gate read whole, y runs it. */
async function readThenYes(t: Terminal): Promise<void> {
  await t.settled();
  await t.readAll();
  await t.until(/y\s+run/);
  t.keys('y');
  for (let i = 0; i < 100 && !existsSync(t.file); i++) await sleep(50);
  assert.ok(existsSync(t.file), t.screen());
}

describe('a resize while the gate is up', { skip: !hasTmux && 'tmux not installed', concurrency: true }, () => {
  for (const [cols, rows] of SIZES) {
    test(`200x50 → ${cols}x${rows} with y sent at once: y never runs a command the screen no longer shows`, async () => {
      for (let trial = 0; trial < TRIALS; trial++) {
        const t = new Terminal('long-gate.yaml', [], { cols: 200, rows: 50 });
        try {
          await t.until(/y\s+run/);
          await sleep(600); // armed: keys count only after the gate's arming delay
          t.tmux('resize-window', '-t', 'ui', '-x', String(cols), '-y', String(rows), ';', 'send-keys', '-t', 'ui', 'y');
          await sleep(800);
          assert.equal(existsSync(t.file), false, `trial ${trial}: y ran the step after the resize:\n${t.screen()}`);
          // Laid out again for the new size: the whole command does not fit, and the gate says so.
          if (rows >= 20) await t.until(/unseen|more lines/);
        } finally {
          t.close();
        }
      }
    });
  }

  // A probe of stop 68: tmux shows a window's new size at once but holds a pane resize that follows another for
  // ~240 ms. Grown to 80x50 (all of the gate fits), y 10 ms later, shrunk back to 80x20: the engine's frame and its
  // y were judged at 50 rows, the operator saw 20, and y ran (6 of 6). A yes within RESIZE_QUIET_MS of a resize
  // now answers nothing.
  test('80x20 grown to 80x50, y 10 ms later, shrunk back at once: y never runs what 20 rows never showed', async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const t = new Terminal('long-gate.yaml', [], { cols: 80, rows: 20 });
      try {
        await t.until(/see all first|unseen/);
        await sleep(600);
        t.resize(80, 50);
        await sleep(10);
        t.keys('y');
        t.resize(80, 20);
        await sleep(1200);
        assert.equal(existsSync(t.file), false, `trial ${trial}: y ran the step:\n${t.screen()}`);
      } finally {
        t.close();
      }
    }
  });

  test('grown to 80x50 and left there: once the resize has settled, y runs it', async () => {
    const t = new Terminal('long-gate.yaml', [], { cols: 80, rows: 20 });
    try {
      await t.until(/see all first|unseen/);
      await sleep(600);
      t.resize(80, 50);
      await t.until(/y\s+run/);
      await sleep(RESIZE_QUIET_MS + 100);
      t.keys('y');
      for (let i = 0; i < 100 && !existsSync(t.file); i++) await sleep(50);
      assert.ok(existsSync(t.file), t.screen());
    } finally {
      t.close();
    }
  });

  // A probe of stop 68: a tmux window larger than the client attached to it (window-size manual, or a larger client
  // setting the size) is shown in part; the pty, and the frame, are the window's size, and nothing is resized. The
  // operator's 80x21 client showed the gate's head only, and y ran it. tmux is now asked at the yes.
  test('an 80x21 client attached to a 200x50 window: y does not run what the client never showed; once the window fits, it does', async () => {
    const t = new Terminal('long-gate.yaml', [], { cols: 80, rows: 20 });
    const outer = `${t.socket}-outer`;
    const outerTmux = (...args: string[]) => execFileSync(TMUX, ['-L', outer, ...args], { encoding: 'utf8' });
    try {
      await t.until(/see all first|unseen/);
      // The operator's client: an 80x21 terminal (a pane of another tmux) attached to the session.
      outerTmux('new-session', '-d', '-x', '80', '-y', '21', '-s', 'op', `env -u TMUX ${TMUX} -L ${t.socket} attach -t ui`);
      await waitFor(() => /\b1\b/.test(t.tmux('display-message', '-p', '-t', 'ui', '#{session_attached}')) || undefined, 'the client attached');
      t.resize(200, 50); // window-size manual: the window stays 200x50 whatever the client
      await t.until(/y\s+run/);
      await t.settled();
      t.keys('y');
      await sleep(1200);
      assert.equal(existsSync(t.file), false, `y ran what the client never showed:\n${outerTmux('capture-pane', '-p', '-t', 'op')}`);
      t.resize(80, 20); // the window fits the client again: the gate is read whole, then y runs it
      await readThenYes(t);
    } finally {
      spawnSync(TMUX, ['-L', outer, 'kill-server']);
      t.close();
    }
  });

  // A lead of a probe of stop 70: tmux names one session for a pane (the one with the latest activity), and the check
  // listed only that session's clients. An 80x21 client on a session grouped with the gate's, then a newer grouped
  // session nobody is attached to: the pane's session is the newest, which has no client. Every client is asked now.
  test('an 80x21 client on a grouped session, a newer grouped session named for the pane: y does not run', async () => {
    const t = new Terminal('long-gate.yaml', [], { cols: 80, rows: 20 });
    const outer = `${t.socket}-outer`;
    const outerTmux = (...args: string[]) => execFileSync(TMUX, ['-L', outer, ...args], { encoding: 'utf8' });
    try {
      await t.until(/see all first|unseen/);
      t.tmux('new-session', '-d', '-t', 'ui', '-s', 'grp');
      outerTmux('new-session', '-d', '-x', '80', '-y', '21', '-s', 'op', `env -u TMUX ${TMUX} -L ${t.socket} attach -t grp`);
      await waitFor(() => /\b1\b/.test(t.tmux('display-message', '-p', '-t', 'grp', '#{session_attached}')) || undefined, 'the client attached');
      await sleep(1100); // tmux keeps activity times in seconds: the next session is newer
      t.tmux('new-session', '-d', '-t', 'ui', '-s', 'late');
      const pane = t.tmux('display-message', '-p', '-t', 'ui', '#{pane_id}').trim();
      assert.equal(t.tmux('display-message', '-p', '-t', pane, '#{session_name}').trim(), 'late', 'tmux names the newest session for the pane');
      t.resize(200, 50);
      await t.until(/y\s+run/);
      await t.settled();
      t.keys('y');
      await sleep(1200);
      assert.equal(existsSync(t.file), false, `y ran what the grouped session's client never showed:\n${outerTmux('capture-pane', '-p', '-t', 'op')}`);
    } finally {
      spawnSync(TMUX, ['-L', outer, 'kill-server']);
      t.close();
    }
  });

  // A probe of stop 69: the pty said 60 rows (`stty rows 60`, left by something run in the pane before) while the
  // pane is 24: the frame was laid out for 60, tmux drew its bottom 24 rows (the gate's command above them, off
  // screen), and y ran it. tmux is now asked at the yes whether the pane is the size the frame was drawn for.
  test('a pty that says 80x60 in an 80x24 pane: y does not run; once the pty says the pane\'s size, it does', async () => {
    const t = new Terminal('long-gate.yaml', [], { cols: 80, rows: 24, held: true });
    const tty = t.tmux('display-message', '-p', '-t', 'ui', '#{pane_tty}').trim();
    try {
      execFileSync('stty', ['-F', tty, 'rows', '60', 'cols', '80']);
      t.start();
      await t.until(/y\s+run/);
      await sleep(RESIZE_QUIET_MS + 700);
      t.keys('y');
      await sleep(1200);
      assert.equal(existsSync(t.file), false, `y ran what the 24-row pane never showed:\n${t.screen()}`);
      execFileSync('stty', ['-F', tty, 'rows', '24', 'cols', '80']); // SIGWINCH: laid out again for 24 rows
      await readThenYes(t);
    } finally {
      t.close();
    }
  });

  test('without a resize, y runs it (the fixture and the keys are right)', async () => {
    const t = new Terminal('long-gate.yaml', [], { cols: 200, rows: 50 });
    try {
      await t.until(/y\s+run/);
      await sleep(600);
      t.keys('y');
      for (let i = 0; i < 100 && !existsSync(t.file); i++) await sleep(50);
      assert.ok(existsSync(t.file), t.screen());
    } finally {
      t.close();
    }
  });
});
