// Where a secret may go in a proven read (a probe of stop 69): `lsof -i "@${{ secret }}.example"`,
// `ss -- dst …` and `ping …` sent a secret input to the DNS resolver in a query, a dry run too. Which of a
// program's words it resolves or sends is its own reading; the engine does not enumerate those. It allows a
// value that holds a secret only in a command of a program that keeps its arguments on this machine: it reads
// them as text or as local paths, and opens no connection and asks no resolver with them. Any other program
// given one makes the step not proven (a gated step, which the operator sees and may still run).
import type { Plan } from './shell-plan.js';
import { wrapperDanger } from './validate/shell-wrappers.js';

/** Programs (and shell builtins) that read their arguments as text, numbers or local paths only. */
export const KEEPS_ARGUMENTS_HERE: ReadonlySet<string> = new Set([
  'echo', 'printf', 'test', '[', 'true', 'false', ':', 'expr', 'seq',
  'grep', 'egrep', 'fgrep', 'cat', 'head', 'tail', 'wc', 'cut', 'sort', 'uniq', 'tr', 'sed', 'awk', 'gawk', 'mawk',
  'jq', 'base64', 'base32', 'sha256sum', 'sha1sum', 'sha512sum', 'md5sum', 'od', 'xxd', 'hexdump', 'cmp', 'diff',
  'comm', 'basename', 'dirname', 'realpath', 'readlink', 'stat', 'ls', 'file', 'strings', 'column', 'fold', 'fmt',
  'nl', 'paste', 'rev', 'tac', 'numfmt', 'date', 'rg', 'zcat', 'join', 'expand', 'unexpand', 'sleep', 'yes',
]);

const programOf = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

/** Wrappers whose command reads their input (timeout, nice, env …), not they: the program a pipe feeds is the one
 *  they run (`yes | timeout 3 sort`). Not xargs, which reads its input itself, into another command's arguments. */
const PASSES_INPUT_ON: ReadonlySet<string> = new Set(['timeout', 'nice', 'stdbuf', 'ionice', 'nohup', 'time', 'env', 'command']);

/** The program that reads a command's input, through the wrappers that pass it on, by their own option tables;
 *  undefined when a word is a value or a wrapper's arguments do not read as a command. */
function inputReader(words: string[]): string | undefined {
  let name = programOf(words[0] ?? '');
  let rest = words.slice(1);
  while (PASSES_INPUT_ON.has(name)) {
    let inner: string[] | undefined;
    const found = wrapperDanger(name, rest.map((text) => ({ text, dynamic: false, pattern: false, quoted: true })), {
      words: (w) => { inner = w.map((x) => x.text); return undefined; },
      script: () => 'code', cannotRead: (why) => why, isLooks: () => false, phrase: (w) => w.map((x) => x.text).join(' '),
    }, () => undefined);
    if (found !== undefined || !inner?.length) return found === undefined && !inner ? name : undefined;
    name = programOf(inner[0]!);
    rest = inner.slice(1);
  }
  return name;
}

/** bash's own commands: their arguments are never another process's command line. Only as written (`echo`, not
 *  `/bin/echo`), since bash runs a path as the program. */
const BASH_BUILTINS: ReadonlySet<string> = new Set(['echo', 'printf', 'test', '[', 'true', 'false', ':']);

/** Where a secret would go that a proven read may not send it: a program that may send its arguments off this
 *  machine, or any program's command line, which every local user reads in /proc/<pid>/cmdline (a probe of stop
 *  70 read `tail -F -- /x/${{ tok }}`'s secret as another user). */
export interface SecretSink { program: string; why: 'sends' | 'argv' | 'reads' }

/** What a secret sink says, after "a value holding a secret is given to". */
export const sinkPhrase = (s: SecretSink): string => (s.why === 'argv'
  ? `'${s.program}' as an argument, on its command line, which every local user can read in /proc (give it on ${s.program}'s input: printf '%s' "\${{ … }}" | ${s.program} …)`
  : s.why === 'reads'
    ? `'${s.program}' on its input (a pipe or a file), which the engine cannot tell is not a secret, and '${s.program}' may send what it reads off this machine or onto a command line (only programs that keep it here read a pipe in a proven read)`
    : `'${s.program}', which may send its arguments off this machine (a host name goes to the DNS resolver)`);

/** The first command of the plan that is handed a secret value (by its number) in its words, or any data on a
 *  pipe or from a file, where it may not go: a program that does not keep its arguments here, or, a secret in its
 *  words, anything but bash's own echo, printf and test; undefined when none is. */
export function secretLeavesHere(plan: Plan, secret: ReadonlySet<number>): SecretSink | undefined {
  for (const p of plan.pipelines) {
    for (const [k, c] of p.commands.entries()) {
      const holds = (w: Plan['pipelines'][number]['commands'][number]['words'][number]) => w.parts.some((part) => typeof part !== 'string' && secret.has(part.value));
      const inWords = c.words.some(holds);
      const written = c.words[0]?.parts.every((x) => typeof x === 'string') ? c.words[0].parts.join('') : undefined;
      const plain = c.words.every((w) => w.parts.every((x) => typeof x === 'string'));
      const name = written === undefined ? undefined : plain ? inputReader(c.words.map((w) => w.parts.join(''))) : programOf(written);
      // Data the engine does not see is taken for a secret's: what comes down a pipe or from a file (a probe of
      // stop 71: a password from ~/.pgpass, a variable of the step's env: or the operator's environment, printed
      // by sed or printenv, went down a pipe to `ss -F -`, which asked the resolver, and to `xargs tail`, whose
      // command line every user reads). A secret by its spelling would be a denylist; by where data flows, any
      // program that reads a pipe or a file redirect must keep what it reads here (xargs does not: not listed).
      const fed = k > 0 || c.redirects.some((r) => r.op === '<' && !(r.target.parts.length === 1 && r.target.parts[0] === '/dev/null'));
      if ((inWords || fed) && (name === undefined || !KEEPS_ARGUMENTS_HERE.has(name))) return { program: name ?? 'a command named by a value', why: inWords || !fed ? 'sends' : 'reads' };
      if (inWords && !BASH_BUILTINS.has(written!)) return { program: name!, why: 'argv' };
    }
  }
  return undefined;
}
