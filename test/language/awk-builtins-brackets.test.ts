// Two readings the awks make that the lint did not (hostile probes: a command ran, real and dry, in a step the
// lint proved read-only):
// - gawk and mawk take a built-in function with blanks before its `(` as a call: `system ("touch M")`, a tab,
//   `close (f)`, `fflush (f)`. The lint took a name as a call only with the `(` glued, and read `system` as a
//   variable concatenated with a parenthesised string. Now every built-in's name is the built-in wherever it
//   stands; the acting ones are refused anywhere, the name alone too.
// - In a regular expression, mawk ends a bracket expression at its first `]`, where the lint read `[.` on to the
//   next `.]` anywhere (across `/` and lines): in `BEGIN { x = /[[.]/; system("…") }\n# .]]/ }` the lint saw one
//   regex, mawk a regex, a call of system and a comment (gawk refuses the program). Now only a
//   POSIX class `[:name:]` is proven inside a bracket; `[.`, `[=` and any other `[:` are not.
// Generated here: programs with built-ins called with blanks and tabs, and regexes whose brackets mix `[:`, `[.`,
// `[=`, classes, `]`, `/`, escapes and lines, followed by code that acts; every program the lint proves is run by
// gawk --sandbox (which refuses system(), redirections and getline from commands) and by mawk with PATH empty, in
// an empty directory. Every acting form in the grammar makes a file with the shell alone (`: > S`), so none may
// appear. AWK_BRACKET_SEED/RUNS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awkProgramProblem } from '../../src/language/validate/awk-program.js';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';
import { rng } from '../helpers/rng.js';

const RUNS = Number(process.env.AWK_BRACKET_RUNS ?? 2000);
const SEED = Number(process.env.AWK_BRACKET_SEED ?? 45);
const where = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
const awks = ['gawk', 'mawk'].map((name) => ({ name, path: where(name) })).filter((a) => a.path);

test('a built-in called with blanks before its ( is that built-in: system, close and fflush are refused anywhere', () => {
  for (const program of ['BEGIN { system ("touch M") }', 'BEGIN { system\t("touch M") }', 'BEGIN { close ("x") }', 'BEGIN { fflush ("x") }',
    '{ print; system  ("touch M") }', 'BEGIN { x = 1 system ("touch M") }', 'BEGIN { system = 1 }', 'BEGIN { print system }', 'system',
    'BEGIN { x = length system ("touch M") }', 'BEGIN { a[system] = 1 }', 'BEGIN { getline = 1 }', 'BEGIN { srand (1) }', 'BEGIN { x = gensub (/a/, "b", "g") }']) {
    assert.ok(awkProgramProblem(program), `not proven: ${JSON.stringify(program)}`);
    for (const awk of ['awk', 'gawk', 'mawk']) assert.ok(allowlistFindings(`${awk} '${program}' f`), `refused: ${awk} '${program}'`);
  }
  assert.equal(awkProgramProblem('BEGIN { system ("touch M") }')?.acts, true, 'system is a command run');
  // The reviewed built-ins stay proven with blanks before their arguments; a user name with them is a variable
  // concatenated with a parenthesised expression, as the awks read it.
  for (const program of ['{ print substr ($0, 2) }', '{ print length ($1), tolower\t($2) }', '{ n = split ($0, a, ":") } END { print n }',
    '{ print length }', '{ x = systems ("a") }', '{ print sub_total (1) }']) {
    assert.equal(awkProgramProblem(program), undefined, `proven: ${JSON.stringify(program)}`);
  }
  assert.ok(awkProgramProblem('{ print substr }'), 'a built-in other than length without its arguments');
});

test('in a regex bracket only POSIX classes are proven: [. [= and other [: are not, nor a bracket open on its line', () => {
  for (const program of ['BEGIN { x = /[[.]/; system("touch M") }\n# .]]/ }', 'BEGIN { x = /[[.]/; print "A" }', 'BEGIN { x = /[[=]/ }',
    'BEGIN { x = /[[.a.]]/ }', 'BEGIN { x = /[[=a=]]/ }', 'BEGIN { x = /[[:foo:]]/ }', 'BEGIN { x = /[[:alpha]/ }', 'BEGIN { x = /[[:]/ }',
    '/[[:alpha:]/ { print }', '/[a/ { print }', '/[[:alpha:]\n:]]/']) {
    assert.ok(awkProgramProblem(program), `not proven: ${JSON.stringify(program)}`);
    assert.ok(allowlistFindings(`mawk '${program}' f`), `refused: mawk '${program}'`);
  }
  for (const program of ['/[[:alpha:]]/', '$1 ~ /^[^[:space:]]+$/ { n++ }', '/[[:digit:][:upper:]_]/', '/[]a]/', '/[^]a]/', '/[\\]]/',
    '/[a[b]/', '/[[:xdigit:]]+/ { print }']) {
    assert.equal(awkProgramProblem(program), undefined, `proven: ${JSON.stringify(program)}`);
  }
});

function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const some = (n: number, xs: readonly string[]) => Array.from({ length: Math.floor(rand() * (n + 1)) }, () => pick(xs)).join('');
  const blank = () => pick(['', ' ', '\t', '  ', ' \t']);
  // Calls: every built-in name, with or without blanks before the (, and names alone.
  const call = (): string => {
    const r = rand();
    if (r < 0.2) return `system${blank()}(": > S")`;
    if (r < 0.3) return `${pick(['close', 'fflush'])}${blank()}(${pick(['"x"', '""', ''])})`;
    if (r < 0.35) return pick(['system', 'close', 'fflush', 'getline', 'srand', 'rand', 'and']);
    if (r < 0.75) return `${pick(['length', 'substr', 'index', 'tolower', 'toupper', 'int', 'sqrt', 'sprintf', 'match'])}${blank()}(${pick(['$0', '$1, 2', '"a", "b"', '1'])})`;
    return `${pick(['srand', 'rand', 'strftime', 'gensub', 'systime', 'f', 'sys', 'systemx'])}${blank()}(${pick(['', '1', '/a/, "b", "g"'])})`;
  };
  // A regex's text: brackets of every shape, with [: [. [= whole and in halves, / and lines inside.
  const regex = () => rand() < 0.5 ? `${some(2, ['a', '.', '^', '\\/'])}${pick(['[[.', '[[=', '[[:', '[[:alpha:]', '[[:foo:', '[', '[^', '[]', '[a'])}${some(2, ['a', '.', ':', '=', '.]', ':]', '=]', '/', '\\]'])}]${some(1, [']', 'a', '*'])}` : some(5, ['a', '.', '^', '[', '[', ']', ']', '[[:alpha:]]', '[[:foo:]]', '[:', ':]', '[.', '.]', '[=', '=]', '[[.', '.]]', '[[=a=]]',
    '[[:', ':]]', '[^]', '[]', '\\]', '\\/', '\\[', '/', '\n', '# ']);
  const acts = () => pick([`system${blank()}("${pick([': > S', 'echo > S'])}")`, 'print > "P"', 'print | "cat > Q"', '"echo > G" | getline', `${pick(['close', 'fflush'])}${blank()}("x")`]);
  const statement = (): string => {
    const r = rand();
    if (r < 0.3) return `x = ${call()}`;
    if (r < 0.5) return `print ${call()}${pick(['', ', $1'])}`;
    if (r < 0.85) return `x = /${regex()}/${pick([';', '\n', ' '])} ${pick(['', acts(), acts(), call()])}${pick(['', '\n# ', ' # '])}${some(3, ['.]', ']', ':]', '=]', '/', ' ', 'x'])}`;
    return call();
  };
  // A regex whose bracket mawk ends at its first `]`, code that acts after it, and after the action what mawk
  // reads as a comment and a reader of `[.` … `.]` as the rest of the regex.
  const hidden = () => `{ x = /${some(1, ['a', '^'])}${pick(['[[.', '[[=', '[[:', '[[:foo:', '[[:alpha:', '['])}${some(1, ['a', '.', '=', ':'])}]/${pick([';', '\n', ' '])} ${acts()} }` +
    `${pick(['\n# ', ' # ', '\n'])}${pick(['.]', '=]', ':]', ''])}${pick([']', ']]', ''])}/ }`;
  return (): string => `${pick(['BEGIN ', '', 'END '])}${rand() < 0.25 ? hidden() : `{ ${Array.from({ length: 1 + Math.floor(rand() * 2) }, statement).join(pick(['; ', '\n']))} }`}`;
}

test(`awk programs with blanks before calls and with brackets, proven by the lint, run and write nothing in gawk and mawk (${RUNS} generated, seed ${SEED})`, { skip: awks.length === 0 && 'neither gawk nor mawk is installed' }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-awk-brackets-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'in.txt'), 'a b\nc/d e\n[x] .\n');
  const next = generator(rng(SEED));
  let proven = 0, refused = 0;
  const seen = new Set<string>();
  for (let i = 0; i < RUNS; i++) {
    const program = next();
    if (awkProgramProblem(program)) { refused++; continue; }
    proven++;
    if (seen.has(program)) continue;
    seen.add(program);
    for (const awk of awks) {
      // mawk has no sandbox: with PATH empty it still runs /bin/sh, whose redirection makes the file.
      const r = spawnSync(awk.path, [...(awk.name === 'gawk' ? ['--sandbox'] : []), program, 'in.txt'], { cwd: dir, encoding: 'utf8', timeout: 10_000, input: '', env: { PATH: '' } });
      assert.doesNotMatch(r.stderr, /sandbox mode/, `proven, and gawk's sandbox refused it: ${JSON.stringify(program)}`);
      assert.deepEqual(readdirSync(dir), ['in.txt'], `proven, and ${awk.name} left a file: ${JSON.stringify(program)}`);
    }
  }
  t.diagnostic(`proven ${proven} (${seen.size} distinct), refused ${refused}, with ${awks.map((a) => a.name).join(' and ')}`);
  assert.ok(proven > RUNS / 10 && refused > RUNS / 10, `proven ${proven}, refused ${refused}`);
});
