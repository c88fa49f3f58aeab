// Over SSH the account's login shell reads the command first (sshd runs `$SHELL -c COMMAND`), and login shells
// read quotes their own way (a probe of stop 68): fish reads `\'` inside '…' as an escape, so the wrapper quoted
// into the command let a script word ending in `\` end fish's quote, and fish ran `(touch M)` from the next word
// before bash ever started. The command is now one fixed line and the wrapper comes on stdin: each login shell
// installed here is given exactly what ssh hands sshd (the command, and the client's stdin), for generated
// scripts of the characters shells read differently, and must give what bash gives running the wrapper itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { remoteInvocation, SSH_COMMAND } from '../../src/executors/remote.js';
import type { DirectCommand } from '../../src/executors/remote.js';
import { rng } from '../helpers/rng.js';

const SHELLS = ['sh', 'dash', 'bash', 'zsh', 'ksh', 'mksh', 'fish', 'tcsh', 'csh']
  .map((name) => ['/usr/bin', '/bin'].map((d) => join(d, name)).find(existsSync)).filter((s): s is string => s !== undefined);
const PIECES = ["'", '\\', '"', '$', '!', '(', ')', '`', ';', '#', ' ', '\n', 'x', '{', '}', '*', '~', '%', '^', '|', '&', '<'];

/** A script that prints each of its generated words (one quoted word each, as the lint's subset would spell it). */
function script(random: () => number, mark: string): { text: string; words: string[] } {
  const words = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
    Array.from({ length: 1 + Math.floor(random() * 5) }, () => PIECES[Math.floor(random() * PIECES.length)]!).join('')
    + (random() < 0.3 ? '\\' : ''));
  const quoted = words.map((w) => `'${w.replace(/'/g, `'\\''`)}'`);
  return { text: `printf '%s\\n' ${quoted.join(' ')} '(touch ${mark})'`, words };
}

function invocation(text: string, values: string[] = []): DirectCommand {
  const inv = remoteInvocation({ kind: 'shell', script: text, values, env: {}, remote: { name: 'box', kind: 'ssh', destination: 'box' } },
    { kind: 'ssh', socket: '/nonexistent' }, 'runbook-wrapper-started test', { id: 'look' });
  assert.ok('argv' in inv);
  return inv;
}

/** What sshd does: the login shell, leading a session of its own, with -c and the command; its stdin is the
 *  client's: the wrapper and the values, then open and silent until the step ends (the engine holds it). */
async function asSshd(shell: string, inv: DirectCommand, cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn('/usr/bin/setsid', ['-w', shell, '-c', inv.argv.at(-1)!], { cwd, env: { PATH: process.env.PATH, HOME: cwd, SHLVL: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdin.write(inv.input);
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000); // a hang guard, not a synchronisation
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(guard);
  child.stdin.end();
  return { status, stdout, stderr };
}

test('the command sshd hands the login shell is the fixed line, whatever the script', () => {
  const inv = invocation("grep -e 'x\\' -e '(touch M)' -e 'y\\' /dev/null");
  assert.equal(inv.argv.at(-1), SSH_COMMAND);
  assert.match(SSH_COMMAND.slice(SSH_COMMAND.indexOf("'") + 1, SSH_COMMAND.lastIndexOf("'")), /^[^'\\!\n]*$/);
});

test(`each login shell here (${SHELLS.map((s) => s.split('/').pop()).join(', ')}) runs the wrapper as bash does: 300 generated scripts`, async () => {
  assert.ok(SHELLS.length >= 3, 'sh, dash and bash at least');
  const dir = mkdtempSync(join(tmpdir(), 'runbook-login-shell-'));
  try {
    const random = rng(6801);
    for (let n = 0; n < 300; n++) {
      const mark = join(dir, `mark-${n}`);
      const { text, words } = script(random, mark);
      const inv = invocation(text, ['a value\\']);
      const expected = `${[...words, `(touch ${mark})`].join('\n')}\n`;
      for (const shell of SHELLS) {
        const r = await asSshd(shell, inv, dir);
        const out = r.stdout.replace(/^runbook-wrapper-started test\n/, '');
        assert.equal(out, expected, `${shell}: ${JSON.stringify(text)}\n${r.stderr}`);
        assert.equal(r.status, 0, `${shell}: ${r.stderr}`);
      }
      assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('mark-')), [], `no shell ran the script's text as code: ${JSON.stringify(text)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
