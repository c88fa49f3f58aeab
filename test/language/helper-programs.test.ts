// A reviewed program may start another (a probe of stop 76: rg -z handed a path to zstd, whose own option parser
// read a file named `-o=PWN.zst` as -o). The lint reads the reviewed program's words only, so a program it starts
// must be given none of them: every reviewed option of every reviewed program (each alone, its value `1`) runs
// under strace over files named IN, IN.gz and IN.zst; a program it starts gets none of those words. The wrappers
// that hand their words on whole to the program the table was reviewed from (egrep and fgrep to grep, zcat to
// gzip -cd) are that program. Programs that only wait or loop are left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READS } from '../../src/language/validate/read-commands.js';

const have = (p: string, arg = '--version') => spawnSync(p, [arg], { stdio: 'ignore' }).status === 0;
const tools = have('strace') && have('bwrap') && have('zstd');
const LOOPS = new Set(['sleep', 'yes', 'hash', 'tail', 'lsof', 'ping', 'ping6', 'free', 'vmstat', 'iostat', 'mpstat']);
const SAME_READER: Record<string, string> = { egrep: 'grep', fgrep: 'grep', zcat: 'gzip' };
const OPERANDS = ['IN', 'IN.gz', 'IN.zst'];

/** Each reviewed option alone, as words. */
const optionWords = (o: (typeof READS)[string]): string[][] => [...[...o.flags ?? ''].map((c) => [`-${c}`]),
  ...[...o.valued ?? ''].map((c) => [`-${c}`, '1']),
  ...(o.long ?? '').split(/\s+/).filter(Boolean).map((n) => [n.endsWith('=') ? `--${n}1` : `--${n.replace('[=]', '')}`])];

test('a program a reviewed program starts is given none of its words', { skip: !tools && 'needs strace, bwrap and zstd' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-helpers-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'IN'), 'hello 1\n');
  writeFileSync(join(dir, 'IN.gz'), spawnSync('gzip', ['-c'], { input: 'hello\n' }).stdout);
  writeFileSync(join(dir, 'IN.zst'), spawnSync('zstd', ['-q', '-c'], { input: 'hello\n' }).stdout);
  const log = join(dir, 'strace.log');
  const handed: string[] = [];
  let asked = 0;
  for (const [program, spec] of Object.entries(READS)) {
    if (LOOPS.has(program) || spec.singleDash || !have(program, '--help')) continue;
    for (const words of optionWords(spec)) {
      asked++;
      // In a pid namespace of its own, so that a kill at the timeout takes every process strace started.
      spawnSync('bwrap', ['--dev-bind', '/', '/', '--unshare-pid', '--die-with-parent', '--chdir', dir, 'strace', '-f', '-qq', '-e', 'trace=execve',
        '-e', 'signal=none', '-o', log, program, ...words, ...OPERANDS], { stdio: 'ignore', timeout: 3000, killSignal: 'SIGKILL' });
      // A start killed at the timeout before strace wrote anything (a loaded machine) leaves no log: nothing started.
      const started = [...(existsSync(log) ? readFileSync(log, 'utf8') : '').matchAll(/execve\("([^"]+)", \[([^\]]*)\][^\n]*= 0/g)].slice(1);
      for (const [, path, argv] of started) {
        const name = path!.slice(path!.lastIndexOf('/') + 1);
        if (name === program || SAME_READER[program] === name) continue;
        const given = OPERANDS.filter((w) => argv!.includes(`"${w}"`));
        if (given.length) handed.push(`${program} ${words.join(' ')}: started ${name} with ${given.join(', ')}`);
      }
      rmSync(log, { force: true });
    }
  }
  assert.deepEqual(handed, []);
  assert.ok(asked > 500, `${asked} options asked`);
});
