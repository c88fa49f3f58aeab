// Job control in a real terminal (issue 49): the terminal UI stopped at a gate (kill -TSTP, as the shell's
// suspend would) and continued with `fg` in an interactive bash. Before, the shell's "[1]+ Stopped" and "fg" stayed
// over the frame and the terminal stayed in cooked mode, so no key answered the gate. Now: the whole frame drawn
// again (its header the top row, no "Stopped" left), raw mode back (stty of the pane's tty), and one key, y,
// answers the gate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TMUX } from '../hardening/tmux.js';
import { until } from '../helpers/poll.js';
import { FIXTURES, ROOT } from './helpers.js';

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('kill -TSTP at a gate, then fg: the frame is drawn whole, raw mode is back, y answers the gate', { skip: !TMUX && 'tmux not installed', timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-jobs-'));
  const socket = `runbook-jobs-${process.pid}`;
  const tmux = (...a: string[]) => execFileSync(TMUX!, ['-L', socket, ...a], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', 'ui');
  const look = (re: RegExp, what: string) => until(() => (re.test(screen()) ? screen() : undefined), 60_000, `${what}:\n${screen()}`, 50);
  try {
    tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', 'ui', `env PS1='$ ' bash --norc --noprofile -i`);
    const marker = join(dir, 'marker');
    // The job: sh (its pid is the job's process group) running the CLI, then writing down its exit code.
    const cli = `cd ${q(ROOT)} && CI=true NO_COLOR=1 sh -c ${q(`echo $$ > ${join(dir, 'pid')}; ${process.execPath} bin/runbook.js run ${join(FIXTURES, 'create-file.yaml')} --no-transcript -i file=${marker}; echo EXIT=$? > ${join(dir, 'exit')}`)}`;
    await look(/^\$/m, "the prompt");
    tmux('send-keys', '-t', 'ui', '-l', cli);
    tmux('send-keys', '-t', 'ui', 'Enter');
    await look(/y +run +s +skip/, 'the gate');
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    process.kill(-pid, 'SIGTSTP'); // the whole job, as the terminal's suspend key would
    await look(/Stopped/, 'the shell reports the job stopped');
    tmux('send-keys', '-t', 'ui', 'fg', 'Enter');
    const after = await look(/^runbook Create a marker file[\s\S]*y +run +s +skip[\s\S]*Ctrl-C abort/, 'the frame drawn again');
    assert.doesNotMatch(after, /Stopped|^\$ fg/m, `the shell's lines stayed over the frame:\n${after}`);
    assert.match(after.split('\n')[0]!, /^runbook Create a marker file/);
    const tty = tmux('display', '-p', '-t', 'ui', '#{pane_tty}').trim();
    await until(() => { const s = execFileSync('stty', ['-F', tty, '-a'], { encoding: 'utf8' }); return /(^|\s)-icanon(\s|$)/.test(s) && /(^|\s)-echo(\s|$)/.test(s) ? true : undefined; }, 10_000, 'raw mode back');
    tmux('send-keys', '-t', 'ui', '-l', 'y');
    await until(() => (existsSync(join(dir, 'exit')) ? true : undefined), 60_000, 'the run to end');
    assert.equal(readFileSync(join(dir, 'exit'), 'utf8').trim(), 'EXIT=0');
    assert.ok(existsSync(marker), 'y ran the step');
  } finally {
    try { tmux('kill-server'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  }
});
