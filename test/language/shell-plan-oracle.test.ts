// The differential oracle of the proven subset (issue #44): bash is the reader that counts. Scripts are generated
// from a grammar that reaches well past the subset (quotes of every kind, expansions, globs, braces, reserved
// words, assignments, numbered and other redirections, background jobs, subshells, comments, line breaks, every
// compound command of bash, and the builtins that change the shell's state as command names); for
// each one the plan reader accepts, bash runs the author's text and, separately, the plan's own text (what the
// engine hands it), with PATH holding only recorder programs that log their argv and the stdin they were given,
// print to both streams and fail when their name says so. Any difference in the log, either stream or the exit
// status fails: the subset reads every accepted script exactly as bash does. A fixed seed in `npm test`
// (SHELL_ORACLE_RUNS scripts, default 1000); `npm run fuzz:shell` uses a random seed and more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPlan } from '../../src/language/shell-plan.js';
import { planText } from '../../src/language/shell-plan-text.js';
import { HOLE } from '../../src/language/shell-syntax.js';
import { holeContexts, holeReference } from '../../src/language/shell-holes.js';
import { rng } from '../helpers/rng.js';

const RUNS = Number(process.env.SHELL_ORACLE_RUNS ?? 1000);
const SEED = Number(process.env.SHELL_ORACLE_SEED ?? 44);
const VALUES = ['v a l', '-n', "it's", '$(touch P)', '*', ''];

/** The recorders: `ok*` succeed, `no*` exit 3, `rd` copies its stdin into the log. */
const RECORDER = `#!/bin/sh
trap '' PIPE
n=\${0##*/}
line=$(printf '%s' "$n"; for a; do printf ' <%s>' "$a"; done; if [ "$n" = rd ]; then printf ' stdin<'; while IFS= read -r l; do printf '%s|' "$l"; done; printf '>'; fi)
printf '%s\\n' "$line" >> "$LOG" # one write: the commands of a pipeline append at once
{ printf 'out:%s\\n' "$n"; } 2>/dev/null || :; printf 'err:%s\\n' "$n" >&2
case $n in no*) exit 3;; esac
exit 0
`;

function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chars = ['a', 'b', '-', '.', '/', '=', ':', '%', '+', ',', '@', '_', '1', ' ', '$', '`', '\\', '*', '?', '[', ']', '{', '}', '~', '!', '#', '|', ';', '&', '(', ')', '<', '>', "'", '"', '\n', 'é', '\t'];
  const text = (n: number) => Array.from({ length: n }, () => (rand() < 0.6 ? pick(['a', 'b', 'x', '-', '.', '/', '1']) : pick(chars))).join('');
  const plain = () => Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(['a', 'b', 'x', '-', '.', '/', '1', '=', ':', '%', '+', ',', '@', '_'])).join('');
  const part = (): string => {
    const r = rand();
    if (r < 0.2) return plain();
    if (r < 0.35) return text(1 + Math.floor(rand() * 4)).replace(/[\s'"\\]/g, '');
    if (r < 0.55) return `'${text(Math.floor(rand() * 5)).replace(/'/g, '')}'`;
    if (r < 0.72) return `"${text(Math.floor(rand() * 5)).replace(/"/g, '')}"`;
    if (r < 0.78) return pick(['$x', '${x}', '$(ok)', '`ok`', '$((1+1))', "$'a\\tb'", '~', '*', 'a{b,c}', '[ab]', '\\ ', '\\a']);
    return pick(['-', '--', '-e', '-n', 'a=b', '1', '2', '#c', 'in', 'a]']);
  };
  const word = (): string => (rand() < 0.5 ? plain() : rand() < 0.08 ? pick([HOLE, `"${HOLE}"`, `a${HOLE}`, `"${HOLE}b"`, `'${HOLE}'`]) : Array.from({ length: 1 + Math.floor(rand() * 2) }, part).join(''));
  const redirect = (): string => (rand() < 0.7 ? pick(['>/dev/null', '2>/dev/null', '2>&1', '&>/dev/null', '< in.txt', '<in.txt', '1>/dev/null', '2> /dev/null', '> /dev/null', '<"in.txt"', "<'in.txt'"])
    : pick(['>f', '>>/dev/null', '12>/dev/null', '<<<x', '2>&1x', '2>&-', '<&0', '>/dev/null2', '0</dev/null', '2>>/dev/null']));
  // Builtins that change the shell's own state are plain names to a reader of words: bash must still read the
  // plan's text of them as it reads the author's (kill, suspend, read and wait are left out: they reach the
  // test's own process group or wait on it; times, which prints CPU times).
  const BUILTINS = ['set', 'shopt', 'exec', 'eval', 'command', 'builtin', 'enable', 'alias', 'unalias', 'hash', 'trap',
    'export', 'declare', 'typeset', 'local', 'readonly', 'unset', 'cd', 'pushd', 'popd', 'source', '.', 'type', 'printf', 'test', 'let',
    'exit', 'return', 'break', 'continue', 'shift', 'getopts', 'umask', 'ulimit', 'caller', 'complete', 'compgen', 'mapfile', 'history'];
  const builtin = (): string => pick(BUILTINS);
  const name = (): string => (rand() < 0.72 ? pick(['ok', 'ok2', 'no', 'rd', 'echo', 'true', 'false']) : rand() < 0.35 ? builtin()
    : pick(['if', 'for', '!', '{', 'x=1', "'ok'", 'o"k"', '[', '(ok)', 'time', 'ok\\', '\\ok', 'ok=', 'a[1]=x', 'f()', 'coproc', 'select', '[[', '((']));
  // echo and the builtins write into a pipe that its reader may have closed (SIGPIPE, at bash's timing): only
  // last in a pipeline.
  const command = (last: boolean): string => {
    let first = name();
    while (!last && (first === 'echo' || BUILTINS.includes(first))) first = name();
    const parts = [first];
    const n = Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) parts.push(rand() < 0.15 ? redirect() : word());
    if (rand() < 0.08) parts.unshift(redirect());
    return parts.join(pick([' ', ' ', '  ', '\t']));
  };
  /** Every compound form of bash's grammar (and its other words of structure), around generated commands: the
   *  subset has none of them, so each must be refused, or read as bash reads it. */
  const compound = (depth: number): string => {
    const c = (): string => (depth > 1 ? command(true) : element(depth + 1, true));
    const forms: Array<() => string> = [
      () => `for x in ${word()} ${word()}; do ${c()}; done`, () => `for x in 1; { ${c()}; }`, () => `for ((i=0; i<2; i++)); do ${c()}; done`,
      () => `while ${c()}; do ${c()}; break; done`, () => `until ${c()}; do ${c()}; break; done`, () => `select x in a; do ${c()}; break; done <in.txt`,
      () => `if ${c()}; then ${c()}; elif ${c()}; then ${c()}; else ${c()}; fi`, () => `case ${word()} in a|-*) ${c()};; *) ${c()};& x) ${c()};;& esac`,
      () => `{ ${c()}; }`, () => `( ${c()} )`, () => `((${c()}); ${c()})`, () => `(( 1 + ${pick(['1', 'x', 'a[$(ok)]'])} ))`, () => `[[ -n ${word()} || ${word()} ]]`,
      () => `f() { ${c()}; }; f ${word()}`, () => `function f { ${c()}; }; f`, () => `f() ( ${c()} ); f`,
      () => `a=(${word()} ${word()}); ok "\${a[@]}"`, () => `set -- ${word()} ${word()}; ok "$@" $#`, () => `x=${word()} ${c()}`,
      () => `${c()} <<EOF\n${text(4).replace(/EOF/g, '')}\nEOF`, () => `${c()} <<-'EOF'\n\t${text(3)}\n\tEOF`, () => `${c()} <<< ${word()}`,
      () => `${c()} < <(ok)`, () => `ok >(rd)`, () => `coproc ${c()}`, () => `time ${c()}`, () => `! ${c()}`, () => `${c()} & wait`,
      () => `ok $(${c()})`, () => `ok "\`${c()}\`"`, () => `ok \${x:-${word()}} \${#x} \${x/a/b}`, () => `ok $'\\x41' $"a"`, () => `ok {a,b}{1..2}`,
      () => `ok ~ ~+ ~-`, () => `ok *.txt ?n.txt [i]n.txt`, () => `ok 3>/dev/null 4<in.txt 5<>in.txt`, () => `ok >|/dev/null &>>/dev/null`,
    ];
    return pick(forms)();
  };
  /** A command of a pipeline: mostly simple, now and then a compound one. */
  const element = (depth: number, last: boolean): string => (rand() < 0.15 ? compound(depth) : command(last));
  const pipeline = (): string => {
    const length = 1 + (rand() < 0.3 ? 1 : 0) + (rand() < 0.1 ? 1 : 0);
    return Array.from({ length }, (_, i) => element(0, i === length - 1)).join(rand() < 0.9 ? pick([' | ', '|', ' |\n']) : ' |& ');
  };
  return (): string => {
    let s = pipeline();
    const more = Math.floor(rand() * 3);
    for (let i = 0; i < more; i++) s += (rand() < 0.85 ? pick([' && ', ' || ', '; ', '\n', ' &&\n', '\n\n', ' # note\n', ' ||\n  ']) : pick([' &\n', ';;', ' & ', ';&'])) + pipeline();
    return rand() < 0.1 ? `${s}${pick([';', '\n', ' #x', ' &&'])}` : s;
  };
}

interface Outcome { log: string; stdout: string; stderr: string; code: number | null }

function runBash(dir: string, bin: string, script: string, values: string[]): Promise<Outcome> {
  const log = join(dir, `log-${Math.random().toString(36).slice(2)}`);
  writeFileSync(log, '');
  // The values reach both texts the same way: as variables V1…, referenced where the holes are.
  const prelude = values.map((v, i) => `V${i + 1}=${`'${v.replaceAll("'", `'\\''`)}'`}; `).join('');
  return new Promise((resolve) => {
    const child = spawn('/bin/bash', ['-e', '-o', 'pipefail', '-c', prelude + script, 'runbook'], { cwd: dir, env: { PATH: bin, LOG: log, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('latin1'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('latin1'); });
    // The commands of a pipeline run at once: their lines are compared as sets, in order within each.
    const lines = (text: string) => text.split('\n').sort().join('\n');
    // What differs by design: the script's own text (BASH_EXECUTION_STRING, which set and declare print) and
    // the log's name (in the environment export and declare print).
    const same = (text: string) => text.split('\n').filter((l) => !l.includes('BASH_EXECUTION_STRING')).join('\n').replaceAll(log, 'LOG');
    child.on('close', (code) => { const l = readFileSync(log, 'latin1'); rmSync(log); resolve({ log: lines(l), stdout: same(stdout), stderr: lines(same(stderr)), code }); });
  });
}

/** The author's text as the engine renders its template for bash (engine/render.ts): each hole a reference
 *  that suits where it stands ("${V}" outside quotes, ${V} inside "…", '"${V}"' inside '…'). */
const authorText = (script: string): string => {
  const where = holeContexts(script);
  let n = 0;
  return script.replace(new RegExp(HOLE, 'g'), () => { const ref = `\${V${++n}}`; return holeReference(where[n - 1] ?? 'word', ref); });
};

test(`the proven subset reads ${RUNS} generated scripts exactly as bash does (seed ${SEED})`, { timeout: 600_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-shell-oracle-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const n of ['ok', 'ok2', 'no', 'rd']) writeFileSync(join(bin, n), RECORDER, { mode: 0o755 });
  writeFileSync(join(dir, 'in.txt'), 'input line\n');
  const next = generator(rng(SEED));
  const accepted: string[] = [];
  let outside = 0;
  for (let i = 0; i < RUNS; i++) {
    const script = next();
    if ('plan' in readPlan(script)) accepted.push(script); else outside++;
  }
  // The grammar reaches both sides of the subset's edge.
  assert.ok(accepted.length > RUNS / 5 && outside > RUNS / 5, `accepted ${accepted.length}, outside ${outside}`);
  let k = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (k < accepted.length && failed === undefined) {
      const script = accepted[k++]!;
      const reading = readPlan(script);
      assert.ok('plan' in reading);
      const holes = [...script].filter((c) => c === HOLE).length;
      const values = Array.from({ length: holes }, (_, i) => VALUES[i % VALUES.length]!);
      const [a, b] = await Promise.all([runBash(dir, bin, authorText(script), values), runBash(dir, bin, planText(reading.plan, (n) => `"\${V${n}}"`), values)]);
      try {
        assert.deepEqual(b, a, `bash reads the plan's text as it reads the author's: ${JSON.stringify(script)}\nplan text: ${JSON.stringify(planText(reading.plan, (n) => `"\${V${n}}"`))}\nauthor: ${JSON.stringify(a)}\nplan: ${JSON.stringify(b)}`);
      } catch (e) { failed ??= e; }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  if (failed !== undefined) throw failed;
});
