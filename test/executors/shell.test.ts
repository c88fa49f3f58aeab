import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { $ } from 'zx';
import { createShellExecutor, timeoutGraceMs } from '../../src/executors/shell.js';
import { HEAD_BYTES, TAIL_BYTES } from '../../src/executors/bounded-output.js';
import type { ShellAction } from '../../src/executors/types.js';
import { testContext } from './context.js';
import { until } from '../helpers/poll.js';

const shell = createShellExecutor();
const action = (script: string, values: string[] = [], env: Record<string, string> = {}): ShellAction => ({ kind: 'shell', script, values, env });
const unique = (): string => `rb${process.pid}x${Math.random().toString(36).slice(2, 10)}`;

/** Processes whose command line contains `marker` (zombies have none, so they don't count). */
function processesWith(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', marker], { encoding: 'utf8' }).split('\n').filter((l) => l && !l.includes('pgrep'));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('shell executor', () => {
  it('passes values as RUNBOOK_V<n> variables (no positional parameters) and env as environment; ok iff exit 0', async () => {
    const ctx = testContext();
    const r = await shell.execute(action('echo "[$RUNBOOK_V1] [$RUNBOOK_V2] $# $GREETING"', ['a b', 'c'], { GREETING: 'hi' }), ctx);
    assert.equal(r.stdout, '[a b] [c] 0 hi\n');
    const again = await shell.execute(action('echo "[$RUNBOOK_V1] [$RUNBOOK_V2] $# $GREETING"', ['a b', 'c'], { GREETING: 'hi' }), ctx);
    assert.equal(again.status, 'ok');
    assert.equal(again.exitCode, 0);
    assert.equal(again.outputBytes, 15);
    assert.deepEqual(ctx.output, [{ stream: 'stdout', chunk: '[a b] [c] 0 hi\n' }, { stream: 'stdout', chunk: '[a b] [c] 0 hi\n' }]);
  });

  it('fails with the exit code and the last stderr line', async () => {
    const r = await shell.execute(action('echo working; echo "first" >&2; echo "disk full" >&2; exit 3'), testContext());
    assert.equal(r.status, 'failed');
    assert.equal(r.exitCode, 3);
    assert.equal(r.classification, 'other');
    assert.equal(r.error, 'exit code 3: disk full');
    assert.equal(r.stderr, 'first\ndisk full\n');
  });

  it('runs bash with stdin closed, in the given cwd', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'runbook-cwd-')));
    const r = await shell.execute({ ...action('read -r line || echo "stdin: eof"; pwd'), cwd: dir }, testContext());
    assert.equal(r.status, 'ok');
    assert.equal(r.stdout, `stdin: eof\n${dir}\n`);
  });

  it('runs with errexit and pipefail: a failing command, even mid-pipe, fails the step at that point', async () => {
    for (const script of ['false; echo after', 'false | cat; echo after', 'exit 3 | cat; echo after', 'x=$(false); echo after']) {
      const r = await shell.execute(action(script), testContext());
      assert.equal(r.status, 'failed', script);
      assert.equal(r.stdout, '', `${script}: nothing after the failure runs`);
    }
    const mid = await shell.execute(action('(exit 3) | tail -n 1'), testContext());
    assert.equal(mid.exitCode, 3, 'the pipeline reports the failing command, not the last one');
    // The ordinary ways to tolerate a failure still work, and nounset is off (optional environment variables).
    for (const script of ['false || echo tolerated', 'if false; then :; else echo tolerated; fi', 'false && true; echo tolerated',
      '! false; echo tolerated', 'echo "${UNSET_IN_THIS_TEST:-}tolerated$UNSET_IN_THIS_TEST"']) {
      const r = await shell.execute(action(script), testContext());
      assert.equal(r.status, 'ok', script);
      assert.equal(r.stdout, 'tolerated\n', script);
    }
  });

  it('a pipe cut off by its reader (`yes | head -1`) fails under pipefail, and the failure says why and how to allow it', async () => {
    const r = await shell.execute(action('yes | head -n 1'), testContext());
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /^(exit code 141|killed by SIGPIPE): a command in a pipe was cut off by its reader \(SIGPIPE.*set \+o pipefail/);
    const allowed = await shell.execute(action('set +o pipefail; yes | head -n 1'), testContext());
    assert.equal(allowed.status, 'ok');
    assert.equal(allowed.stdout, 'y\n');
  });

  it('errexit and pipefail hold in the dry-run sandbox too', async () => {
    const r = await shell.execute({ ...action('false | cat; echo after'), sandbox: 'network' }, testContext());
    assert.equal(r.status, 'failed');
    assert.equal(r.stdout, '');
  });

  it('ignores zx global state ($.prefix, $.verbose) that other code may have set', async () => {
    const saved = { prefix: $.prefix, verbose: $.verbose };
    $.prefix = 'echo INJECTED;';
    $.verbose = true;
    try {
      const r = await shell.execute(action('echo clean'), testContext());
      assert.equal(r.stdout, 'clean\n');
    } finally {
      Object.assign($, saved);
    }
  });

  it('ignores ZX_* environment overrides (read by zx when it is imported)', () => {
    const program = `const { createShellExecutor } = await import(${JSON.stringify(new URL('../../src/executors/shell.ts', import.meta.url).href)});
      const r = await createShellExecutor().execute({ kind: 'shell', script: 'echo "bash $BASH_VERSION" | cut -c1-6', values: [], env: {} },
        { stepId: 's', signal: new AbortController().signal, onOutput() {}, ask: async () => '', mask: (t) => t });
      process.stdout.write(JSON.stringify(r.stdout));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', program], {
      encoding: 'utf8',
      env: { ...process.env, ZX_PREFIX: 'echo HACKED;', ZX_SHELL: '/bin/sh', ZX_VERBOSE: 'true', ZX_QUIET: 'false', ZX_CWD: '/' },
    });
    assert.match(JSON.parse(out) as string, /^bash \d\n$/); // bash, not /bin/sh, and no injected prefix
  });

  it('reports a script that cannot start as one line', async () => {
    const r = await shell.execute({ ...action('echo hi'), cwd: '/nonexistent/dir' }, testContext());
    assert.equal(r.status, 'failed');
    assert.ok(r.error && !r.error.includes('\n'));
  });

  it('passes hostile values inertly and byte-for-byte', async () => {
    const marker = join(tmpdir(), `pwned-${unique()}`);
    const hostile = [
      "'; rm -rf / #", `$(touch ${marker}-1)`, `\`touch ${marker}-2\``, '"; DROP TABLE x; --',
      `line1\nline2\n$(touch ${marker}-3)`, `\\'\\"$HOME\${PATH}`, '-n', '*', ' lead and trail ', "it's", '\t\r\x1b[31m',
    ];
    const r = await shell.execute(action(`for i in {1..${hostile.length}}; do v=RUNBOOK_V$i; printf "%s\\0" "\${!v}"; done; printf "%s" "$V"`, hostile, { V: `$(touch ${marker}-4)` }), testContext());
    assert.equal(r.status, 'ok');
    const parts = r.stdout!.split('\0');
    assert.deepEqual(parts.slice(0, hostile.length), hostile);
    assert.equal(parts[hostile.length], `$(touch ${marker}-4)`);
    for (const n of [1, 2, 3, 4]) assert.equal(existsSync(`${marker}-${n}`), false);
  });

  it('what a finished step left running in its group ends with it, and its output says so (#44)', async () => {
    const marker = unique();
    const r = await shell.execute(action(`(exec -a ${marker}-bg sleep 600) >/dev/null 2>&1 & echo started`), testContext());
    assert.equal(r.status, 'ok');
    assert.match(r.stderr ?? '', /the step left processes running in its session; they were ended/);
    await until(() => processesWith(marker).length === 0, 10_000, 'the background job to be gone'); // a hang guard
    const clean = await shell.execute(action('sleep 0.01; echo done'), testContext());
    assert.equal(clean.stderr, '', 'a step that leaves nothing says nothing');
  });

  it('a job left running with the output pipes held does not hold the step to its timeout: the step ends when its script does (#44)', async () => {
    const marker = unique();
    // The job inherits stdout and stderr: the pipes stay open as long as it lives.
    const r = await shell.execute(action(`(exec -a ${marker}-held sleep 600) & echo started`), testContext());
    assert.equal(r.status, 'ok');
    assert.equal(r.stdout, 'started\n');
    assert.match(r.stderr ?? '', /the step left processes running in its session; they were ended/);
    assert.ok(r.durationMs < 60_000, `the step lasted ${r.durationMs} ms: it waited on the job's pipes`);
    await until(() => processesWith(marker).length === 0, 10_000, 'the job to be gone');
  });

  it('times out a hung script and kills its whole tree, grandchildren included', async () => {
    const marker = unique();
    const script = [
      `(exec -a ${marker}-bg sleep 600) &`,                          // background job
      `(trap '' TERM; exec -a ${marker}-deaf sleep 600) &`,          // ignores SIGTERM: needs SIGKILL
      `bash -c '(exec -a ${marker}-grand sleep 600) & wait' &`,      // grandchild
      `setsid bash -c 'exec -a ${marker}-session sleep 600' &`,      // left the process group
      'echo started; wait',
    ].join('\n');
    // The test times the step out itself once the whole tree runs (as the engine's timer would abort it): a
    // timer started before the spawn could fire first on a loaded machine (issue #20). 30 s: a hang guard.
    const ac = new AbortController();
    const ctx = testContext({ signal: ac.signal });
    const running = shell.execute(action(script), ctx);
    await until(() => processesWith(marker).length >= 4 && ctx.output.some((o) => o.chunk.includes('started')), 30_000, 'the tree to run');
    ac.abort(Object.assign(new Error('step timed out'), { name: 'TimeoutError' }));
    const r = await running;
    assert.equal(r.status, 'timeout');
    assert.equal(r.classification, 'timeout');
    assert.equal(r.stdout, 'started\n');
    assert.ok(r.signal, 'the script was killed by a signal');
    assert.deepEqual(processesWith(marker), [], 'nothing survives the step');
  });

  it('a script that ignores SIGTERM: SIGTERM first, SIGKILL after the grace; the step is a timeout (grace inside the limit\'s budget)', async () => {
    // Causality, not speed (the figures are bench's: records): the trap saw SIGTERM, the script went on, and
    // only SIGKILL ended it. The step is stopped once it has said it started (its trap is set by then).
    // set +e: the loop's sleep dies of the SIGTERM too; the script goes on regardless.
    const script = "set +e; trap 'echo TERM ignored >&2' TERM; echo started; while :; do sleep 0.05; done";
    const stoppedOnStart = (reason: Error) => {
      const ac = new AbortController();
      const ctx = { ...testContext({ signal: ac.signal }), limitMs: 2000 };
      ctx.onOutput = (stream, chunk) => { ctx.output.push({ stream, chunk }); if (chunk.includes('started')) ac.abort(reason); };
      return shell.execute(action(script), ctx);
    };
    const timedOut = new Error('step timed out');
    timedOut.name = 'TimeoutError';
    const r = await stoppedOnStart(timedOut);
    assert.equal(r.status, 'timeout');
    assert.equal(r.signal, 'SIGKILL', 'killed by SIGKILL, after ignoring SIGTERM');
    assert.match(r.stderr ?? '', /TERM ignored/, 'SIGTERM came first and was ignored');
    assert.equal(r.stdout, 'started\n');
    // The grace after a timeout is 10 % of the limit, at most 200 ms: inside the promised 10 % + 200 ms.
    assert.deepEqual([2000, 500, 60_000, 5].map(timeoutGraceMs), [200, 50, 200, 1]);

    const a = await stoppedOnStart(new Error('operator abort'));
    assert.deepEqual([a.status, a.signal], ['aborted', 'SIGKILL']);
    assert.match(a.stderr ?? '', /TERM ignored/);
  });

  it('a stop at any moment after the step started reports how the step ended, never the supervisor dying first', async () => {
    // The supervisor used to set its own SIGTERM trap after starting the step: a stop landing in between killed
    // the supervisor, and a step that ignored SIGTERM was reported as dying of it (a CI run on a loaded machine).
    // The window is short, so the stop is sent at the step's first output many times over, and also at spawn.
    // The script's own command (`env --ignore-signal`) ignores SIGTERM from its first instruction on.
    const script = 'exec env --ignore-signal=TERM bash -c "echo started; while :; do sleep 0.05; done"';
    for (let round = 0; round < 12; round++) {
      const ac = new AbortController();
      const ctx = { ...testContext({ signal: ac.signal }), limitMs: 500 }; // timeout grace: 50 ms
      ctx.onOutput = (stream, chunk) => { ctx.output.push({ stream, chunk }); if (chunk.includes('started')) ac.abort(timedOutError()); };
      const r = await shell.execute(action(script), ctx);
      assert.deepEqual([r.status, r.signal, r.stdout], ['timeout', 'SIGKILL', 'started\n'], `round ${round}`);
    }
    for (let round = 0; round < 6; round++) {
      const ac = new AbortController();
      const marker = unique();
      const ctx = { ...testContext({ signal: ac.signal }), limitMs: 500, onProcess: () => ac.abort(timedOutError()) };
      const r = await shell.execute(action(`exec -a ${marker} sleep 600`), ctx);
      assert.equal(r.status, 'timeout', `round ${round}`);
      assert.deepEqual(processesWith(marker), [], 'nothing survives a stop at spawn');
    }
  });

  it("reports 'aborted' when the engine aborts for another reason", async () => {
    const marker = unique();
    const ac = new AbortController();
    const running = shell.execute(action(`exec -a ${marker} sleep 600`), testContext({ signal: ac.signal }));
    await until(() => processesWith(marker).length >= 1, 30_000, 'the script to run'); // hang guard
    ac.abort(new Error('operator abort'));
    const r = await running;
    assert.equal(r.status, 'aborted');
    assert.deepEqual(processesWith(marker), [], 'nothing survives the step');
  });

  it('does not start when already aborted', async () => {
    const r = await shell.execute(action('echo never'), testContext({ signal: AbortSignal.abort(new Error('stop')) }));
    assert.equal(r.status, 'aborted');
    assert.equal(r.stdout, undefined);
  });

  it('keeps 200 MB of output bounded: head + tail, total counted', async () => {
    const ctx = testContext();
    let streamed = 0;
    ctx.onOutput = (_stream, chunk) => { streamed += chunk.length; };
    const r = await shell.execute(action("head -c 200000000 /dev/zero | tr '\\0' a"), ctx);
    assert.equal(r.status, 'ok');
    assert.equal(r.outputBytes, 200_000_000);
    assert.equal(streamed, 200_000_000);
    assert.ok(r.stdout!.length <= HEAD_BYTES + TAIL_BYTES + 100, `retained ${r.stdout!.length} chars`);
    assert.match(r.stdout!, /\[… 199868928 bytes elided …\]/);
  });

  it('masks secrets in errors; streams output as it comes (the engine masks the stream whole); keeps the real output', async () => {
    const ctx = testContext({ secrets: ['hunter22'] });
    const r = await shell.execute(action('echo "token=$RUNBOOK_V1"; echo "bad $RUNBOOK_V1" >&2; exit 1', ['hunter22']), ctx);
    assert.ok(!r.error?.includes('hunter22'), r.error);
    // Masked chunk by chunk, a secret (or a dump of one) across two chunks would be half masked: the step runner's
    // StreamMasker masks the stream (test/secrets/encodings.test.ts, hostile.test.ts).
    const streamed = (stream: string) => ctx.output.filter((o) => o.stream === stream).map((o) => o.chunk).join('');
    assert.deepEqual([streamed('stdout'), streamed('stderr')], ['token=hunter22\n', 'bad hunter22\n']);
    assert.equal(r.stdout, 'token=hunter22\n');
    assert.equal(r.error, 'exit code 1: bad ****');
  });
});

describe('createExecutors().close()', () => {
  it('kills a script still running (crash path)', async () => {
    const { createExecutors } = await import('../../src/executors/index.js');
    const set = createExecutors();
    const marker = unique();
    const running = set.execute(action(`(exec -a ${marker} sleep 600) & wait`), testContext());
    await until(() => processesWith(marker).length >= 1, 30_000, 'the script to run'); // hang guard
    await set.close();
    const r = await running;
    assert.equal(r.status, 'aborted');
    assert.deepEqual(processesWith(marker), []);
  });
});

function timedOutError(): Error {
  return Object.assign(new Error('step timed out'), { name: 'TimeoutError' });
}
