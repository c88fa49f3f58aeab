// kill -9 of the terminal UI (or the OOM killer): no exit handler runs, and the terminal used to stay as the view
// had set it: raw mode (nothing typed is shown, Enter does not end a line), the alternate screen over the
// operator's history, the cursor hidden. The guardian started before the view (src/ui/terminal-guard.ts) puts it
// back. Checked on a real terminal (tmux): its tty's settings, whether the pane is on the alternate screen, the
// cursor; and that the operator's earlier history is on screen again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { after, test } from 'node:test';
import { Tmux, TMUX } from '../hardening/tmux.js';
import { scratch, writeRunbook } from '../hardening/helpers.js';
import { until } from '../helpers/poll.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const dir = scratch({ after });
const rb = writeRunbook(dir, 'gate', `name: gate
title: A gate to die at
steps:
  - id: look
    shell: echo looked
  - id: act
    destructive: true
    shell: echo acted
  - { id: done, end: resolved }
`);

const pane = (t: Tmux, format: string): string => t.tmux('display', '-p', '-t', 'main', format).trim();
const ttySettings = (t: Tmux): string => execFileSync('stty', ['-F', pane(t, '#{pane_tty}'), '-a'], { encoding: 'utf8' });
const flag = (settings: string, name: string): boolean => new RegExp(`(^|\\s)${name}(\\s|$)`).test(settings);

test('kill -9 at a gate in the terminal UI: raw mode off, the alternate screen left, the cursor shown', { skip: !TMUX, timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const term = new Tmux(dir, ['run', rb, '--no-transcript'], { before: ['EARLIER-HISTORY'], term: 'xterm-256color' });
  t.after(() => term.close());
  await term.until(/y +run +s +skip/);
  assert.equal(pane(term, '#{alternate_on}'), '1', 'the view is on the alternate screen');
  await until(() => {
    const s = ttySettings(term);
    return !flag(s, 'icanon') && !flag(s, 'echo') ? true : undefined;
  }, 10_000, 'the view in raw mode at the gate');
  process.kill(term.nodePid(), 'SIGKILL');
  assert.equal(await term.exitCode(), 137);
  await until(() => {
    const s = ttySettings(term);
    return flag(s, 'icanon') && flag(s, 'echo') ? true : undefined;
  }, 10_000, 'the terminal out of raw mode');
  await until(() => (pane(term, '#{alternate_on}') === '0' ? true : undefined), 10_000, 'the alternate screen left');
  assert.equal(pane(term, '#{cursor_flag}'), '1', 'the cursor is shown');
  assert.match(term.screen(), /EARLIER-HISTORY/, 'the operator\'s earlier screen is back');
});

test('a run that ends by itself: one guardian while it runs, none after, off the alternate screen, the final record on screen', { skip: !TMUX, timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const term = new Tmux(dir, ['run', rb, '--no-transcript'], { term: 'xterm-256color' });
  t.after(() => term.close());
  const tty = pane(term, '#{pane_tty}');
  await term.until(/y +run +s +skip/);
  assert.equal(guardiansOn(tty), 1, 'one guardian holds this terminal while the view runs');
  term.keys('y');
  assert.equal(await term.exitCode(), 0);
  await until(() => (guardiansOn(tty) === 0 ? true : undefined), 10_000, 'the guardian gone');
  assert.equal(pane(term, '#{alternate_on}'), '0');
  assert.match(term.screen(), /resolved/, 'the final record stays on screen');
});

/** Guardians (src/ui/terminal-guard.ts) whose terminal is `tty`. */
function guardiansOn(tty: string): number {
  let pids: string[];
  try { pids = execFileSync('pgrep', ['-f', 'runbook-terminal-guard'], { encoding: 'utf8' }).trim().split('\n'); } catch { return 0; }
  return pids.filter((pid) => { try { return readlinkSync(`/proc/${pid}/fd/1`) === tty; } catch { return false; } }).length;
}
