// The operator's screen in a real terminal (issue #17), one run per size (80x24, 100x30, 160x50; the 100x30 run is
// resized to 80x24 and 160x50 while a step runs and again at the gate). Checked on tmux's screen, its scrollback and
// every byte the CLI wrote (pipe-pane):
// - nothing ever clears the screen or the scrollback (no ESC[2J, no ESC[3J), the frame never fills the terminal;
// - the operator's earlier history (lines printed before the run) is still there afterwards, once;
// - at 80x24 the header, the current step's row, the gate's question and keys are on screen together;
// - type-ahead: "1 Enter" answers one manual step, and the Enter does not answer the next one, nor take a prompt's
//   default;
// - afterwards the header and every step row are in screen + scrollback exactly once, with no stale live rows, and
//   the shell's next line starts on a line of its own.
// Every wait is for something on screen; nothing sleeps against the arming window.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hasTmux, Terminal } from './terminal.js';

// The gate's keys row: y live, or (part of the confirmation off screen) what is unseen and how to see it.
const KEYS = /y +run +s +skip +a +abort the run|s +skip +a +abort +y: (see all first \(c\): \d+ rows?|c first, \d+) unseen/;

const HEADER = /^runbook The operator's screen at every size/;
const STEPS = ['find-sessions', 'hold', 'first-look', 'second-look', 'workers', 'end-sessions', 'done'];
const MARKERS = ['EARLIER-HISTORY-1', 'EARLIER-HISTORY-2', 'EARLIER-HISTORY-3'];

const clears = (raw: string) => ({ screen: raw.split('\x1b[2J').length - 1, scrollback: raw.split('\x1b[3J').length - 1 });
const count = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l)).length;

/** The frame fits: the header is the top row and the last row stays free (a frame as tall as the terminal is
 *  where ink would clear it); one header on screen. */
function fits(screen: string, rows: number, what: string): void {
  const lines = screen.replace(/\n$/, '').split('\n');
  assert.equal(count(screen, HEADER), 1, `one header on screen (${what}):\n${screen}`);
  assert.match(lines[0]!, HEADER, `the header is the top row (${what}):\n${screen}`);
  assert.ok(lines.length <= rows && (lines[rows - 1] ?? '').trim() === '', `the last row is free (${what}):\n${screen}`);
}

describe('the operator\'s screen in tmux', { skip: !hasTmux && 'tmux not installed', concurrency: true }, () => {
  for (const [cols, rows, resizes] of [[80, 24, false], [100, 30, true], [160, 50, false]] as const) {
    test(`${cols}x${rows}${resizes ? ', resized to 80x24 and 160x50 while a step runs and at the gate' : ''}`, async () => {
      const t = new Terminal('screen.yaml', [], { cols, rows, before: MARKERS, held: true });
      try {
        const raw = t.recordRaw();
        t.start();
        await t.until('waiting for the test'); // the held step runs
        if (resizes) {
          for (const [c, r] of [[80, 24], [160, 50]] as const) {
            t.resize(c, r);
            fits(await t.until(new RegExp(`^runbook .{${c - 26},}running +\\d+:\\d\\d$`, 'm')), r, `${c}x${r} while a step runs`);
          }
          t.resize(cols, rows);
        }
        writeFileSync(`${t.file}.go`, '');

        // "1 Enter" in one go: the 1 answers the first question, the Enter reaches the second before it is drawn.
        await t.until(/MANUAL STEP +first-look[\s\S]*1-2 or ↑↓ \+ Enter to answer/);
        t.keys('1');
        t.keys('Enter');
        let screen = await t.until(/MANUAL STEP +second-look[\s\S]*1-2 or ↑↓ \+ Enter to answer/);
        assert.match(screen, /MANUAL STEP +second-look/, 'the Enter typed ahead did not answer the second question');
        t.keys('2');
        t.keys('Enter'); // and this Enter must not take the prompt's default
        screen = await t.until(/QUESTION +workers[\s\S]*› /);
        assert.match(screen, /QUESTION +workers/, 'the Enter typed ahead did not take the default');
        t.keys('-l', '7');
        await t.until(/› 7/);
        t.keys('Enter');

        // The gate: its 30-line script gives up rows, counted; the header, the step's row, the question and keys stay.
        screen = await t.until(new RegExp(`End the 12 idle sessions now\\?[\\s\\S]*(${KEYS.source})`));
        fits(screen, rows, `${cols}x${rows} at the gate`);
        for (const shown of [/\? end-sessions .*awaiting confirmation/, /CONFIRM +end-sessions/, /will run +echo "ending batch 1 of 30/, KEYS]) {
          assert.match(screen, shown, `${shown} at the gate (${cols}x${rows}):\n${screen}`);
        }
        if (rows < 40) assert.match(screen, /… \d+ more (lines|rows \(\d+ lines\)) \(c: see all\)/);
        if (resizes) {
          for (const [c, r] of [[80, 24], [160, 50], [cols, rows]] as const) {
            t.resize(c, r);
            // Laid out again for the new size: the header's state sits at the right edge of the new width.
            screen = await t.until(new RegExp(`^runbook .{${c - 32},}waiting since \\d\\d:\\d\\d:\\d\\d$`, 'm'));
            fits(screen, r, `${c}x${r} at the gate`);
            assert.match(screen, KEYS, `${c}x${r}:\n${screen}`);
          }
        }
        assert.match(readFileSync(raw, 'utf8'), /The operator's screen at every size/, 'the raw bytes hold the frames');
        assert.deepEqual(clears(readFileSync(raw, 'latin1')), { screen: 0, scrollback: 0 }, 'nothing cleared while live');
        // Rows of the script off screen: y takes once the c view was read to its end.
        if (/unseen/.test(t.screen())) { await t.readAll(); await t.until(/y +run +s +skip/); }
        t.keys('y');
        assert.equal(await t.exitCode(), 0);
        assert.ok(existsSync(t.file));

        const history = (await t.until(/^EXIT=0$/m), t.history());
        assert.deepEqual(clears(readFileSync(raw, 'latin1')), { screen: 0, scrollback: 0 }, 'nothing cleared, ever');
        for (const m of MARKERS) assert.equal(count(history, new RegExp(`^${m}$`)), 1, `${m} (earlier history) once:\n${history}`);
        assert.equal(count(history, HEADER), 1, `one header in screen + scrollback:\n${history}`);
        assert.match(history, /^runbook .*RESOLVED/m);
        for (const id of STEPS) assert.equal(count(history, new RegExp(`^[^\\s→] ${id} `)), 1, `the row of ${id} once:\n${history}`);
        assert.doesNotMatch(history, /awaiting confirmation|waiting for you|running +\d/, `no stale live rows:\n${history}`);
        assert.match(history, /resolved in .*: Ended after busy \/ quiet with 7/);
        assert.match(history, /destructive steps:\n +✓ confirmed by [^,]+, ok .* · End the idle sessions/);
        assert.match(history, /\nEXIT=0\n/, 'the shell goes on on a line of its own');
      } finally { t.close(); }
    });
  }
});
