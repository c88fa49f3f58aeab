// attachUI's lifecycle: ink only with a TTY on both ends, raw mode and cursor restored when the run ends or
// the UI is closed early, ink never loaded by plain mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { attachUI, colorAllowed } from '../../src/ui/index.js';
import { CLI_RUN_MS, ROOT, ends, testRun, waitFor } from './helpers.js';

/** A terminal pair good enough for ink: records raw-mode changes and everything written. */
function fakeTerminal() {
  const written: string[] = [];
  const raw: boolean[] = [];
  const stdout = Object.assign(new EventEmitter(), {
    isTTY: true, columns: 100, rows: 30, writable: true,
    write(data: string, cb?: () => void) { written.push(String(data)); cb?.(); return true; },
  });
  let pending: string | null = null;
  const stdin = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode(on: boolean) { raw.push(on); },
    setEncoding() {}, ref() {}, unref() {}, resume() {}, pause() {},
    read() { const d = pending; pending = null; return d; },
    type(data: string) { pending = data; stdin.emit('readable'); },
  });
  return { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream & { type(d: string): void }, written, raw };
}

/** The fake terminal is an xterm, whatever $TERM the test suite runs under (CI may have none). */
const XTERM = { TERM: 'xterm-256color' };

const GATED = `
name: gated
title: Gated
steps:
  - id: restart
    destructive: true
    shell: echo restart
`;

test('ink: the run ends, the terminal is restored: raw mode off, cursor shown, done resolves', async () => {
  const t = testRun(GATED);
  const term = fakeTerminal();
  const ui = await attachUI(t.run, { mode: 'ink', approve: [], yes: false, dryRun: false, stdout: term.stdout, stdin: term.stdin, color: false, env: XTERM, doc: t.runbook.doc });
  const finished = t.run.start();
  await waitFor(() => term.written.join('').includes('CONFIRM'), 'the gate');
  assert.equal(term.raw.at(-1), true, 'raw mode while the UI is up');
  // The keys line is drawn only once the gate is armed (use-gate-arming.ts): wait for that, not a sleep raced
  // against the 250 ms window, which a stalled loop can fire together with the key (issue #20).
  await waitFor(() => term.written.join('').includes('abort the run'), 'the gate to arm');
  term.stdin.type('y');
  assert.equal((await ends(finished)).outcome, 'resolved');
  await ends(ui.done, 'the UI to be done');
  assert.equal(term.raw.at(-1), false, 'raw mode off at the end');
  assert.ok(term.written.join('').includes('\u001b[?25h'), 'cursor shown');
  assert.match(term.written.join(''), /RESOLVED/);
});

test('ink: close() before the run ends (e.g. the run threw) still restores the terminal', async () => {
  const t = testRun(GATED);
  const term = fakeTerminal();
  const ui = await attachUI(t.run, { mode: 'ink', approve: [], yes: false, dryRun: false, stdout: term.stdout, stdin: term.stdin, color: false, env: XTERM });
  const finished = t.run.start();
  await waitFor(() => term.written.join('').includes('CONFIRM'), 'the gate');
  await ends(ui.close(), 'the UI to close');
  assert.equal(term.raw.at(-1), false);
  assert.ok(term.written.join('').includes('\u001b[?25h'));
  t.run.abort('test over');
  await ends(finished);
});

test('ink is never rendered without a TTY: mode ink on pipes falls back to plain', async () => {
  const t = testRun(GATED);
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d) => { text += d; });
  const ui = await attachUI(t.run, {
    mode: 'ink', approve: [], yes: true, dryRun: false, color: false,
    stdout: stdout as unknown as NodeJS.WriteStream, stdin: new PassThrough() as unknown as NodeJS.ReadStream,
  });
  await ends(t.run.start());
  await ends(ui.done, 'the UI to be done');
  assert.match(text, /approved restart by --yes/);
});

test('colour: NO_COLOR turns it off; so do a non-TTY and a terminal that cannot draw (TERM=dumb, unset)', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  assert.equal(colorAllowed(tty, { TERM: 'xterm-256color' }), true);
  assert.equal(colorAllowed(tty, { TERM: 'xterm-256color', NO_COLOR: '1' }), false);
  assert.equal(colorAllowed({ isTTY: false } as NodeJS.WriteStream, { TERM: 'xterm-256color' }), false);
  assert.equal(colorAllowed(tty, { TERM: 'dumb' }), false);
  assert.equal(colorAllowed(tty, {}), false);
});

test('plain mode never loads ink or react (start-up time)', () => {
  // A resolve hook reports every module URL; plain mode must not pull in ink or react.
  const hook = `let port; export function initialize(d) { port = d.port; }
    export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
    import { register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const seen = [];
    port1.on('message', (u) => seen.push(u));
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), { data: { port: port2 }, transferList: [port2] });
    const { attachUI } = await import('./src/ui/index.ts');
    await attachUI({ on: () => () => {}, pendingQuestions: [] }, { mode: 'plain', approve: [], yes: false, dryRun: false });
    // A last import whose URL follows every earlier one down the same (ordered) port: once it is seen, all are,
    // however late a loaded machine delivers them (a fixed 200 ms wait could close the port first, issue #20).
    const last = 'data:text/javascript,export default "last"';
    await import(last);
    const poll = setInterval(() => { if (seen.includes(last)) { clearInterval(poll); port1.close(); process.stdout.write(JSON.stringify(seen)); } }, 10);
  `], { cwd: ROOT, encoding: 'utf8', timeout: CLI_RUN_MS }); // a hang guard: the child polls until it sees the last URL
  assert.equal(r.status, 0, `${r.signal ? `killed after ${CLI_RUN_MS} ms (${r.signal}) ` : ''}${r.stderr}`);
  const urls = JSON.parse(r.stdout) as string[];
  assert.ok(urls.some((u) => u.includes('/src/ui/plain/plain-ui.ts')), 'the hook saw plain mode load');
  assert.deepEqual(urls.filter((u) => /node_modules\/(ink|react)\//.test(u) || u.includes('/src/ui/ink/')), []);
});

test('ink: if the view fails mid-run, plain mode takes over and refuses the open gate (nothing runs unasked)', async () => {
  const listeners: ((e: unknown) => void)[] = [];
  const gate = { type: 'confirmation-requested', stepId: 'restart', title: 'restart', command: 'echo restart', question: 'Run?', risk: 'normal', resumed: false } as const;
  const aborted: [string, string][] = [];
  const run = {
    on(fn: (e: unknown) => void) { listeners.push(fn); return () => { listeners.splice(listeners.indexOf(fn), 1); }; },
    pendingGate: { stepId: 'restart', askedAt: 0, event: gate },
    pendingQuestions: [],
    result: undefined,
    abort(reason: string, outcome: string) { aborted.push([reason, outcome]); },
  };
  const term = fakeTerminal();
  const ui = await attachUI(run as never, { mode: 'ink', approve: [], yes: false, dryRun: false, stdout: term.stdout, stdin: term.stdin, color: false, env: XTERM });
  for (const l of [...listeners]) l(gate);
  for (const l of [...listeners]) l({ type: 'step-finished', stepId: 'restart', attempt: 1, result: undefined }); // the reducer throws
  await waitFor(() => aborted.length > 0, 'the plain fallback to refuse the gate');
  assert.equal(aborted[0]![1], 'failed');
  assert.match(aborted[0]![0], /--approve restart/);
  assert.equal(term.raw.at(-1), false);
  assert.match(term.written.join(''), /the terminal UI failed .*continuing in plain mode/);
  for (const l of [...listeners]) l({ type: 'run-finished', outcome: 'failed', message: 'x', durationMs: 1, steps: { ok: 0, failed: 0, skipped: 0 } });
  await ends(ui.done, 'the UI to be done');
});

test('ink: --yes does not approve anything in the terminal UI, and the header says so', async () => {
  const t = testRun(GATED);
  const term = fakeTerminal();
  const ui = await attachUI(t.run, { mode: 'ink', approve: ['restart'], yes: true, dryRun: false, stdout: term.stdout, stdin: term.stdin, color: false, env: XTERM });
  const finished = t.run.start();
  await waitFor(() => term.written.join('').includes('CONFIRM'), 'the gate');
  assert.match(term.written.join(''), /--yes applies to plain mode only/);
  await waitFor(() => term.written.join('').includes('abort the run'), 'the gate to arm'); // armed: --yes had its chance
  assert.equal(t.run.pendingGate?.stepId, 'restart');
  assert.deepEqual(t.executed, []);
  term.stdin.type('s');
  await ends(finished);
  await ends(ui.done, 'the UI to be done');
  assert.deepEqual(t.executed, []);
});

test('TERM=dumb, empty or unset on a real terminal pair: plain mode, with a line saying why and how gates are approved', async () => {
  for (const env of [{ TERM: 'dumb' }, { TERM: '' }, {}, { TERM: 'no-such-terminal-kind' }]) {
    const t = testRun(GATED);
    const term = fakeTerminal();
    const ui = await attachUI(t.run, { mode: 'ink', approve: [], yes: false, dryRun: false, stdout: term.stdout, stdin: term.stdin, color: false, env });
    const outcome = (await ends(t.run.start())).outcome;
    await ends(ui.done, 'the UI to be done');
    const text = term.written.join('');
    assert.equal(outcome, 'failed', `${JSON.stringify(env)}: plain mode refuses the unapproved gate`);
    assert.deepEqual(t.executed, []);
    assert.deepEqual(term.raw, [], `${JSON.stringify(env)}: raw mode never turned on (ink never mounted)`);
    assert.match(text, /^plain mode: this terminal \((TERM=\S*|TERM not set)\) cannot draw the terminal UI; destructive steps need --approve ID or --yes/);
    assert.doesNotMatch(text, /\u001b\[\d*[ABJK]/, 'no cursor movement or clearing');
  }
});

test('termCanDraw: known families and terminfo entries draw; dumb, empty, unknown do not', async () => {
  const { termCanDraw } = await import('../../src/ui/term-kind.js');
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  for (const term of ['xterm', 'xterm-256color', 'screen.xterm-256color', 'tmux-256color', 'linux', 'vt100', 'alacritty', 'xterm-kitty', 'rxvt-unicode-256color']) {
    assert.equal(termCanDraw({ TERM: term, TERMINFO: '/nonexistent' }), true, term);
  }
  for (const term of ['dumb', '', ' ', 'dumb-emacs', 'no-such-terminal-kind']) assert.equal(termCanDraw({ TERM: term, TERMINFO: '/nonexistent' }), false, JSON.stringify(term));
  assert.equal(termCanDraw({}), false, 'unset');
  // A terminal we do not list but the system describes (its terminfo entry) is trusted.
  const dir = mkdtempSync(join(tmpdir(), 'terminfo-'));
  try {
    mkdirSync(join(dir, 'z'));
    writeFileSync(join(dir, 'z', 'zz-custom-term'), '');
    assert.equal(termCanDraw({ TERM: 'zz-custom-term', TERMINFO: dir }), true);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
