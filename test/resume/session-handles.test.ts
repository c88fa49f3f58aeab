// A resume lets the operator's session differ from the run's (a new terminal, a reconnect), so what differs must
// not choose where a step acts. A probe of stop 78 (real CLI, kill -9, then resume): with TMUX naming another tmux
// server, the resumed `tmux send-keys -t app …` restarted that server's app; with `LC_APP_DIR` (any LC_* name was
// taken for the locale, and LC_* is what SSH's AcceptEnv lets through) the resumed step wrote into the other
// directory. Now a variable a step sees and a resume lets differ is one reviewed as naming no place; every other
// session variable (a multiplexer, a terminal, a display, npm's configuration) is not given to a step at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { placeChanges, placeOf } from '../../src/resume/place.js';
import { GO_WAIT_STEP, killedRun } from '../helpers/killed-run.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

const SEED = 78;

/** What this review lets a step see and a resume let differ: the terminal's kind, size and colours, the SSH link
 *  as text and the login's credentials (which key, not which server), the locale's categories, what the engine
 *  sets for every step. Nothing else the step sees may change between a run and its resume unnoticed. */
const REVIEWED = new Set(['TERM', 'COLORTERM', 'TERMINFO', 'TERM_PROGRAM', 'TERM_PROGRAM_VERSION', 'COLUMNS', 'LINES', 'NO_COLOR',
  'FORCE_COLOR', 'CLICOLOR', 'LS_COLORS', 'VTE_VERSION', 'SSH_CLIENT', 'SSH_CONNECTION', 'SSH_AUTH_SOCK', 'SSH_AGENT_PID', 'KRB5CCNAME',
  'XDG_SESSION_TYPE', 'XDG_SESSION_CLASS', 'XDG_SESSION_DESKTOP', 'DESKTOP_SESSION', 'SHLVL', '_', 'OLDPWD', 'PWD', 'PS1', 'PS2',
  'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_COLLATE', 'LC_MESSAGES', 'LC_MONETARY', 'LC_NUMERIC', 'LC_TIME', 'LC_PAPER', 'LC_NAME',
  'LC_ADDRESS', 'LC_TELEPHONE', 'LC_MEASUREMENT', 'LC_IDENTIFICATION', 'LC_TERMINAL', 'LC_TERMINAL_VERSION']);

/** Names of the operator's session, and names that only look like it. */
const SESSION_NAMES = ['TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'ZELLIJ', 'ZELLIJ_SESSION_NAME', 'TERM_SESSION_ID', 'WT_SESSION', 'WINDOWID',
  'SSH_TTY', 'GPG_TTY', 'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_SESSION_ID', 'XDG_VTNR', 'XDG_SEAT',
  'PROMPT_COMMAND', 'HISTFILE', 'MAIL', 'LESSOPEN', 'PAGER', 'EDITOR', 'VISUAL', 'INIT_CWD', 'RUNBOOK_DEBUG', ...REVIEWED];
const FAMILIES = ['LC_', 'npm_config_', 'npm_package_', 'KITTY_', 'WEZTERM_', 'VSCODE_', 'ITERM_', 'ALACRITTY_', 'KONSOLE_', 'GNOME_TERMINAL_', 'ORDERS_', ''];
const SYLLABLES = ['APP', 'DIR', 'DB', 'HOST', 'LISTEN', 'ON', 'SOCKET', 'IPC', 'HOOK', 'CLI', 'TARGET', 'registry', 'cache', 'PANE', 'ID'];

/** A value for `name` the engine can start with (the locale's must be one), else a path a program could act on. */
function valueFor(name: string, r: () => number): string {
  if (/^(LANG|LANGUAGE|LC_[A-Z]+)$/.test(name) && REVIEWED.has(name)) return 'C.UTF-8';
  if (['COLUMNS', 'LINES', 'SHLVL'].includes(name)) return String(1 + Math.floor(r() * 200));
  if (name === 'TERM') return 'dumb';
  return `/tmp/place-${Math.floor(r() * 1e9).toString(36)}`;
}

function generated(r: () => number): Record<string, string> {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const env: Record<string, string> = {};
  for (const name of SESSION_NAMES) env[name] = valueFor(name, r);
  for (let i = 0; i < 150; i++) {
    const name = `${pick(FAMILIES)}${pick(SYLLABLES)}_${pick(SYLLABLES)}${i}`;
    env[name] = valueFor(name, r);
  }
  return env;
}

/** The environment a real step's bash was given. */
function seenBy(dir: string, env: Record<string, string>): Map<string, string> {
  const runbook = writeRunbook(dir, 'env', `name: env
title: What a step is given
steps:
  - id: dump
    destructive: true
    shell: env -0 > ${join(dir, 'seen')}
  - id: done
    end: resolved
    message: dumped
`);
  execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'runbook.js'), 'run', runbook, '--plain', '--yes', '--no-transcript'],
    { env: { PATH: process.env.PATH!, HOME: process.env.HOME!, NO_COLOR: '1', ...env }, stdio: 'ignore', timeout: 120_000 });
  const pairs = readFileSync(join(dir, 'seen'), 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const);
  return new Map(pairs);
}

test('a variable a real step is given either is compared by a resume or is reviewed as naming no place (generated, seed 78)', { timeout: E2E_TEST_LIMIT_MS }, (t) => {
  const dir = scratch(t);
  const r = rng(SEED);
  const env = generated(r);
  const seen = seenBy(dir, env);
  const recorded = placeOf(env, '/w');
  const slipped: string[] = [];
  let compared = 0;
  for (const [name, value] of Object.entries(env)) {
    if (seen.get(name) !== value) continue; // not given (or given something the engine set)
    const moved = placeChanges(recorded, placeOf({ ...env, [name]: `${value}-elsewhere` }, '/w', recorded.envDigest!.salt));
    if (moved.length) { compared++; assert.ok(moved.join(' ').includes(name), `${name} is named`); } else if (!REVIEWED.has(name)) slipped.push(name);
  }
  assert.deepEqual(slipped, [], 'given to the step, and a resume would let it differ');
  assert.ok(compared >= 30, `ordinary variables reach the step and are compared (${compared})`);
  for (const name of ['TMUX', 'DISPLAY', 'EDITOR']) assert.ok(!seen.has(name), `${name} is not given to a step`);
  assert.equal(seen.get('LC_TIME'), 'C.UTF-8', 'the locale still is');
});

const ACTS = (act: string) => `name: acts
title: Acts where the session says
inputs:
  go: { required: true }
steps:
${GO_WAIT_STEP}
  - id: act
    destructive: true
    shell: ${act}
  - id: done
    end: resolved
    message: done
`;

const resume = (transcript: string, args: string[], env: NodeJS.ProcessEnv) => cli(['resume', transcript, '--plain', ...args], { env });

test('TMUX naming another tmux server on resume: the resumed step reaches neither server (it is never given TMUX)', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const server = (name: string) => {
    const socket = join(dir, `sock-${name}`);
    const cwd = join(dir, name);
    mkdirSync(cwd);
    execFileSync('tmux', ['-S', socket, 'new-session', '-d', '-s', 'app', '-c', cwd]);
    const pid = execFileSync('tmux', ['-S', socket, 'display', '-p', '#{pid}'], { encoding: 'utf8' }).trim();
    // By its pid: the scratch directory, its socket with it, may be gone before this runs.
    t.after(() => { try { process.kill(Number(pid)); } catch { /* gone */ } });
    return { tmux: `${socket},${pid},0`, mark: join(cwd, 'restarted') };
  };
  const [a, b] = [server('a'), server('b')];
  // The default server, where a step without TMUX goes, is one of the test's own (none runs there).
  const base = { TMUX_TMPDIR: join(dir, 'tmux-default') };
  mkdirSync(base.TMUX_TMPDIR);
  const transcript = await killedRun(dir, 'tmux', ACTS(`tmux send-keys -t app 'touch restarted' Enter`), [], { ...base, TMUX: a.tmux });
  const resumed = await resume(transcript, ['--yes'], { ...base, TMUX: b.tmux });
  assert.match(resumed.stdout + resumed.stderr, /act/, resumed.stdout + resumed.stderr);
  await new Promise((res) => setTimeout(res, 1000)); // the keys, had they gone, are typed and run by then
  assert.ok(!existsSync(b.mark), 'the other tmux server\'s app was not restarted');
  assert.ok(!existsSync(a.mark), 'nor the run\'s: a step reaches only the tmux it names');
});

test('an LC_* variable that is no locale category, changed between kill -9 and resume: refused naming it; --retarget acts there once', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const [a, b] = [join(dir, 'a'), join(dir, 'b')];
  mkdirSync(a);
  mkdirSync(b);
  const transcript = await killedRun(dir, 'lc', ACTS('echo cleared >> "$LC_APP_DIR/cleared"'), [], { LC_APP_DIR: a });
  const refused = await resume(transcript, ['--yes'], { LC_APP_DIR: b });
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /refusing to resume: .*LC_APP_DIR changed/);
  assert.ok(!refused.stderr.includes(b), 'the value is not shown');
  assert.ok(!existsSync(join(b, 'cleared')) && !existsSync(join(a, 'cleared')), 'nothing was written');
  const retarget = await resume(transcript, ['--retarget', '--approve', 'wait', '--approve', 'act'], { LC_APP_DIR: b });
  assert.equal(retarget.code, 0, retarget.stdout + retarget.stderr);
  assert.equal(readFileSync(join(b, 'cleared'), 'utf8'), 'cleared\n', 'written once, where the operator retargeted it');
  assert.ok(!existsSync(join(a, 'cleared')));
});
