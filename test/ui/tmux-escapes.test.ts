// The ink UI in a real terminal (tmux) with hostile data (#13): titles, a description, output and the final
// message carry OSC 52 (clipboard write), OSC 0 (window title), CSI and bidi sequences. tmux acts on what
// reaches it — with set-clipboard on it stores an OSC 52 payload as a paste buffer, and OSC 0 sets the pane
// title — so nothing may reach it raw: no buffer, the title untouched, the sequences shown as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { sleep } from './helpers.js';
import { hasTmux, Terminal } from './terminal.js';

test('tmux: OSC 52 and OSC 0 in the data neither set the clipboard nor the title; they are shown', { skip: !hasTmux && 'tmux not installed' }, async () => {
  const t = new Terminal('escapes.yaml');
  try {
    t.tmux('set-option', '-s', 'set-clipboard', 'on');
    const screen = await t.until('CONFIRM');
    assert.match(screen, /␛\]52;c;UEFZTE9BRA==␇/, 'the clipboard write in the title is shown as text');
    assert.match(screen, /<U\+202E>evil/);
    await t.until('abort the run'); // the gate's keys are shown once they work
    t.keys('y');
    assert.equal(await t.exitCode(), 0);
    assert.equal(existsSync(t.file), true);
    assert.match(t.screen(), /RESOLVED/);
    assert.equal(t.tmux('list-buffers').trim(), '', 'an OSC 52 payload reached the terminal and set its clipboard');
    assert.notEqual(t.tmux('display-message', '-p', '#{pane_title}').trim(), 'pwned-title', 'an OSC 0 sequence set the title');
  } finally { t.close(); }
});
