// Commands that run another command or code: a wrapper is unwrapped only when its own options are on its reviewed
// list (read-options.ts) and what it runs is a command given as words, which is then proven like any other.
// Code from text, standard input or a file is never a read by itself: `bash -c '…'` and a here-document fed to
// bash are read as the scripts they are; anything else (su, runuser, flock, chroot, `env -S`, a script file,
// a piped script, an interpreter's program) is not proven. What such code does is still read where the lint
// can see it, so that a command that acts inside it stays one that safe_because cannot vouch for.
import { holdsValue, type SimpleCommand, type Word } from '../shell-words.js';
import { mayBeOption, parseOptions, type Options } from './read-options.js';
import { readsAnyArguments } from './read-commands.js';
import { reviewedShellOption } from './shell-options.js';
import { inertSetting } from '../shell-vars.js';

/** How the lint reads what a wrapper runs: `words` a command given as words, `script` code given as text. */
export interface Inner {
  words(words: Word[]): string | undefined;
  script(text: string): string | undefined;
  cannotRead(why: string): string;
  isLooks(found: string | undefined): boolean;
  phrase(words: Word[]): string;
}

/** The wrappers unwrapped, with their reviewed options; `operands`: words before the command (timeout's
 *  DURATION, ip netns exec's NAME). */
export const WRAPPERS: Record<string, { options: Options; operands?: number }> = {
  // not -b: the command runs in the background, in a process group of its own that outlives the step.
  // not -h: sudo's getopt takes its host only glued (`h::`), and alone it is --help.
  // -u and -g (doas -u) are read, and what runs is read, but never proven (asAnotherUser, below).
  sudo: { options: { inOrder: true, flags: 'nHPSEk', valued: 'ugCDpTrt', long: 'user= group= non-interactive preserve-env[=] set-home stdin close-from= chdir= prompt= command-timeout= role= type=' } },
  doas: { options: { inOrder: true, flags: 'n', valued: 'u' } },
  // not -i, -u NAME or '-' unless the names are inert (below): a bash started without PATH searches '.'.
  env: { options: { inOrder: true, flags: 'i0', valued: 'uC', long: 'ignore-environment null unset= chdir= ignore-signal[=] default-signal[=] block-signal[=]' } },
  command: { options: { inOrder: true, flags: 'pvV' } },
  builtin: { options: { inOrder: true } },
  // not -a NAME: argv[0] chooses what some programs are (-bash a login shell running profile files, sudoedit)
  // nor -c (a command without PATH: bash then searches '.'), nor -l (argv[0] '-bash').
  exec: { options: { inOrder: true } },
  nohup: { options: { inOrder: true } },
  time: { options: { inOrder: true, flags: 'pvq', valued: 'f', long: 'portability verbose quiet format=' } },
  nice: { options: { inOrder: true, valued: 'n', numeric: true, long: 'adjustment=' } },
  ionice: { options: { inOrder: true, flags: 't', valued: 'cn', long: 'class= classdata= ignore' } },
  stdbuf: { options: { inOrder: true, valued: 'ioe', long: 'input= output= error=' } },
  timeout: { options: { inOrder: true, flags: 'v', valued: 'sk', long: 'signal= kill-after= preserve-status foreground verbose' }, operands: 1 },
  // GNU xargs 4.9's getopt_long: --max-lines, --eof and --replace take an optional value (only `--max-lines=N`):
  // `xargs --max-lines rm ls -rf D` runs rm (test/language/wrapper-oracle.test.ts runs the real wrappers).
  // Not -a/--arg-file: xargs reads that file itself and makes it the next program's command line (a probe of stop
  // 71: `xargs -0 -a /proc/self/environ tail …` put a secret of env: there), data the engine does not see.
  xargs: { options: { inOrder: true, flags: '0rtx', valued: 'nLPdsE', long: 'null no-run-if-empty verbose exit max-args= max-lines[=] max-procs= delimiter= max-chars= eof[=]' } },
  watch: { options: { inOrder: true, flags: 'tbegcpx', valued: 'n', long: 'interval= differences[=] no-title beep errexit chgexit color precise exec' } },
};
/** Wrappers that run code as another user, under a lock, in another root or through another interpreter: never
 *  unwrapped (their own options act, or they read code from their input). */
const NOT_UNWRAPPED: Record<string, string> = {
  su: 'runs code from a string or its input as another user', runuser: 'runs code from a string or its input as another user',
  flock: 'creates its lock file and runs code from a string', chroot: 'runs in another root', unbuffer: 'runs through an expect interpreter',
  setsid: 'forks into the background when it leads its process group (and with -f): its command outlives the step',
  chrt: 'its options change another process (-p)', taskset: 'its options change another process (-p)', pkexec: 'runs as another user',
};
export const isWrapper = (name: string): boolean => name in WRAPPERS || name in NOT_UNWRAPPED;

/** Leading NAME=value words. */
export function assignments(words: Word[]): number {
  let k = 0;
  while (k < words.length && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(words[k]!.text)) k++;
  return k;
}

export function wrapperDanger(name: string, args: Word[], inner: Inner, execVar: (w: Word) => string | undefined): string | undefined {
  if (name in NOT_UNWRAPPED) {
    // Code given with -c is still read, so that what acts in it is reported as acting.
    const c = args.findIndex((w) => /^(-[a-zA-Z]*c|--command)$/.test(w.text));
    const code = c < 0 ? undefined : args[c + 1];
    const found = code && !code.dynamic ? inner.script(code.text) : undefined;
    if (inner.isLooks(found)) return found;
    return inner.cannotRead(`'${name}': ${NOT_UNWRAPPED[name] || 'not unwrapped by the lint'}`);
  }
  const spec = WRAPPERS[name]!;
  const p = parseOptions(name, args, spec.options);
  if ('finding' in p) return inner.cannotRead(p.finding && 'unknown' in p.finding ? p.finding.unknown : name);
  if (name === 'command' && p.options.some((o) => o.name === 'v' || o.name === 'V')) return undefined; // a look-up, runs nothing
  let rest = p.operands;
  if (name === 'env') {
    // Removing a variable sets it too: `env -i bash -c 'rg x'` ran ./rg (bash's default PATH ends in '.').
    const cleared = rest[0]?.text === '-' || p.options.some((o) => o.name === 'i' || o.name === 'ignore-environment');
    const unset = p.options.find((o) => (o.name === 'u' || o.name === 'unset') && (!o.value || o.value.dynamic || !inertSetting(o.value.text, '')));
    if (cleared || unset) return inner.cannotRead(`'env ${cleared ? '-i' : `-u ${inner.phrase(unset!.value ? [unset!.value] : [])}`}': a command without ${cleared ? 'its environment' : 'that variable'} (unsetting is setting: a bash without PATH searches '.', the step's directory)`);
    const n = assignments(rest);
    for (const w of rest.slice(0, n)) { const f = execVar(w); if (f) return f; }
    rest = rest.slice(n);
  }
  if (name === 'sudo' && assignments(rest) > 0) return inner.cannotRead(`'sudo ${inner.phrase(rest.slice(0, 1))}': a variable sudo sets for the command`);
  const before = rest.slice(0, spec.operands ?? 0);
  if (before.some((w) => mayBeOption(w) || w.splits)) return inner.cannotRead(`'${name} ${inner.phrase(before)}': a value that may become an option or several words`);
  rest = rest.slice(spec.operands ?? 0);
  if (!rest.length) {
    if (name === 'sudo' || name === 'doas' || name === 'ionice') return inner.cannotRead(`'${name}' without a command (a shell, or a change to another process)`);
    return undefined; // env prints, exec only redirects, xargs runs echo, the others print their usage
  }
  if (name === 'watch' && !p.options.some((o) => o.name === 'x' || o.name === 'exec')) {
    // watch joins its words and runs them with sh -c: code for sh, read but never proven (notBash).
    if (rest.some((w) => w.dynamic || w.pattern)) return inner.cannotRead(`'watch ${inner.phrase(rest)}': a command built from a variable`);
    return notBash('watch', inner.script(rest.map((w) => w.text).join(' ')), inner);
  }
  const found = inner.words(rest);
  // As another user, a read may open that user's processes' /proc/<pid>/fd, which the shield (no CAP_SYS_PTRACE)
  // cannot stop for the same uid (a probe of stop 70: `sudo -u nobody head /proc/PID/fd/0` took another user's
  // pipe input). What runs is read (an acting command stays acting), but it is not proven.
  const as = (name === 'sudo' || name === 'doas') && p.options.find((o) => ['u', 'g', 'user', 'group'].includes(o.name));
  if (as && !inner.isLooks(found)) return inner.cannotRead(`'${name} -${as.name.length > 1 ? '-' : ''}${as.name}': a command run as another user, who may read that user's processes' open files`);
  if (name !== 'xargs' || found) return found;
  // The input becomes arguments the lint never sees (`… | xargs curl` given `-X DELETE`): only a command that
  // reads whatever it is given may take them.
  const runs = rest[0]!.text;
  return readsAnyArguments(runs.slice(runs.lastIndexOf('/') + 1)) ? undefined : inner.cannotRead(`'xargs ${inner.phrase(rest.slice(0, 2))}': arguments taken from the input, which may make it act`);
}

export const SHELLS = new Set(['bash', 'sh', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox']);

/** bash/sh: `-c CODE` is read as the script it is, a here-document or here-string on its input too. A script
 *  file, a script from a pipe or file, rc or profile files (-i, -l, --rcfile) are not proven. */
export function shellDanger(name: string, args: Word[], cmd: SimpleCommand, inner: Inner): string | undefined {
  let rest = args;
  if (name === 'busybox') {
    if (!rest[0] || !SHELLS.has(rest[0].text) || rest[0].text === 'busybox') {
      const found = inner.words(rest);
      return inner.isLooks(found) ? found : inner.cannotRead(`'busybox ${inner.phrase(rest.slice(0, 1))}': an applet whose options are not reviewed`);
    }
    rest = rest.slice(1);
  }
  if (!['bash', 'sh', 'dash', 'ash'].includes(name) && name !== 'busybox') return inner.cannotRead(`'${name}': a shell whose options are not reviewed`);
  // The lint reads code as bash does: code for another shell is read (what acts in it is reported) but not proven.
  const shell = name === 'busybox' ? `busybox ${args[0]!.text}` : name;
  const read = (text: string) => (name === 'bash' ? inner.script(text) : notBash(shell, inner.script(text), inner));
  let code = false;
  let k = 0;
  for (; k < rest.length; k++) {
    const t = rest[k]!.text;
    if (t === '--' || t === '-') { k++; break; }
    if (/^--(norc|noprofile|noediting)$/.test(t)) continue; // not --posix: alias expansion (shell-options.ts)
    if (!/^[-+]/.test(t) || rest[k]!.dynamic) break;
    for (let c = 1; c < t.length; c++) {
      const letter = t[c]!;
      if (letter === 'c') { code = true; continue; }
      if (letter === 'o' || letter === 'O') {
        const value = rest[++k];
        if (!value || value.dynamic || !reviewedShellOption(value.text)) return inner.cannotRead(`'${name} -${letter} ${inner.phrase(value ? [value] : [])}': a shell option not reviewed`);
        continue;
      }
      if (!/[euxvfnChBs]/.test(letter)) return inner.cannotRead(`'${name} ${t}': a shell option not reviewed (-i and -l run rc and profile files)`);
    }
  }
  const operand = rest[k];
  if (code) {
    if (!operand) return undefined;
    if (operand.dynamic || operand.pattern) return inner.cannotRead(`'${name} -c ${inner.phrase([operand])}': code built from a variable`);
    return read(operand.text);
  }
  if (operand) return inner.cannotRead(`'${name} ${inner.phrase([operand])}': a script file the lint cannot see`);
  const stdin = cmd.redirects.find((r) => r.body || r.op === '<<<');
  if (stdin?.body) return codeFromValue(stdin.body.text) ? inner.cannotRead(`'${name} <<EOF': ${HEREDOC_VALUE}`) : read(stdin.body.text);
  if (stdin?.target) return stdin.target.dynamic ? inner.cannotRead(`'${name} <<< ${inner.phrase([stdin.target])}': code built from a variable`) : read(stdin.target.text);
  if (cmd.pipedIn || cmd.redirects.some((r) => r.op === '<' || r.op === '<&' || r.op === '<>')) return inner.cannotRead(`'… | ${name}': a script read from a pipe or file`);
  return undefined;
}

/** Code for sh, dash, ash or busybox sh (watch runs its command with sh -c): the lint reads it as bash does, and
 *  those shells read some text otherwise. dash has no $'…' quoting, so `sh -c "echo \$'a\\'; touch M; #'"` is one
 *  echo to bash and an echo, then touch, to dash; `[[ a > f ]]` compares in bash and truncates f in dash. Read for
 *  what acts in it, never proven: bash -c (or watch -x) is. */
function notBash(shell: string, found: string | undefined, inner: Inner): string | undefined {
  return inner.isLooks(found) ? found : inner.cannotRead(`'${shell}': code for ${shell}, which reads some text otherwise than bash, the lint's reader ($'…' is no quoting in dash, [[ a > f ]] writes f): run it with bash -c${shell === 'watch' ? ' or watch -x' : ''}`);
}

/** An unquoted here-document puts each expansion's value into the text the shell then reads as code: `bash <<EOF`
 *  with `echo $x` in it ran x = '; touch M' (and a ${{ }} value the same way). */
export const codeFromValue = holdsValue;
export const HEREDOC_VALUE = "code built from a value: an unquoted here-document puts each $… (and ${{ }}) into the code the shell reads; quote the delimiter (<<'EOF') and pass values by env: or an exported variable";

/** Interpreters: their programs (inline, from a file or from standard input) are not read by the lint. */
export const INTERPRETERS = /^(python[0-9.]*|perl[0-9.]*|ruby|node|nodejs|deno|bun|php[0-9.]*|lua[0-9.]*|luajit|Rscript|R|tclsh|wish|expect|osascript|pwsh|powershell|julia|guile|racket|scheme|sbcl|ghci|irb|groovy|jshell)$/;
