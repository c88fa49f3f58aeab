// Commands whose operands are programs or addresses (sed and awk scripts, find expressions, curl URLs, date's
// clock): proven read by construction, with their reviewed options (read-options.ts), or not proven at all.
import { DYNAMIC, type SimpleCommand, type Word } from '../shell-words.js';
import type { ReadOnlyFinding } from './read-commands.js';
import { sedScriptProblem } from './sed-script.js';
import { awkProgramProblem } from './awk-program.js';
import { dateStringProblem } from './date-strings.js';
import { has, mayBeOption, optionValue, parseOptions, shownWord, type Options, type ParsedOptions } from './read-options.js';

type Check = (args: Word[], cmd: SimpleCommand) => ReadOnlyFinding;
const parsed = (name: string, args: Word[], spec: Options): ParsedOptions | ReadOnlyFinding => {
  const p = parseOptions(name, args, spec);
  return 'finding' in p ? p.finding : p;
};
const isParsed = (p: ParsedOptions | ReadOnlyFinding): p is ParsedOptions => p !== undefined && 'operands' in p;

/** `sed` without -i/-f/-s…: its script's `w`/`W` (write a file) and `e` (run a command) commands and flags. */
export const SED: Options = { flags: 'nErsuz', valued: 'el', long: 'quiet silent regexp-extended expression= separate unbuffered null-data posix line-length= debug sandbox' };
function sed(args: Word[]): ReadOnlyFinding {
  if (args.some((w) => /^-[a-zA-Z]*i|^--in-place$/.test(w.text))) return { looks: 'sed -i' };
  const p = parsed('sed', args, SED);
  if (!isParsed(p)) return p;
  const given = p.options.filter((o) => o.name === 'e' || o.name === 'expression').map((o) => o.value);
  const scripts = given.length ? given : p.operands.slice(0, 1);
  for (const s of scripts) {
    if (!s || s.dynamic) return { unknown: `'sed ${shownWord(s?.text ?? '')}': a sed script built from a value` };
  }
  // GNU sed joins its -e scripts with line breaks, and reads the whole by its own grammar (sed-script.ts).
  const problem = sedScriptProblem(scripts.map((s) => s!.text).join('\n'));
  if (problem) return { unknown: `'sed ${shownWord(scripts[0]!.text)}': ${problem}` };
  return undefined;
}

/** awk with a program given as text: no program file, extension or option that loads code (-f, -i, -l, -E, -W
 *  exec), and in the program none of the ways awk runs or writes: `system()`, a pipe (`cmd | getline`,
 *  `print | cmd`, `|&`), `print > file`, `@load`/`@include` or an indirect call (`@f()`, which may name system). */
export const AWK: Options = { inOrder: true, flags: 'bcNOPrStU', valued: 'Fv', long: 'field-separator= assign= characters-as-bytes traditional posix re-interval sandbox' };
function awk(name: string): Check {
  return (args) => {
    const p = parsed(name, args, AWK);
    if (!isParsed(p)) return p;
    const program = p.operands[0];
    if (!program) return { unknown: `'${name}' without a program the lint can see` };
    if (program.dynamic) return { unknown: `'${name} ${shownWord(program.text)}': an awk program built from a value` };
    // Read by awk's grammar (awk-program.ts), never by patterns over its text.
    const problem = awkProgramProblem(program.text);
    if (problem) return problem.acts ? { looks: `${name}: ${problem.why}` } : { unknown: `'${name} ${shownWord(program.text)}': ${problem.why}` };
    // The remaining operands are files to read or `var=value` assignments: reads, unless one is a gawk special
    // file that acts.
    const special = p.operands.slice(1).find(maySocket);
    return special ? { unknown: `'${name} … ${shownWord(special.text)}': a file operand gawk may open as a network socket (/inet/tcp/…: it listened on a port and connected out in a dry run)` } : undefined;
  };
}

/** Whether gawk may take the operand for a special file that acts: `/inet/`, `/inet4/` and `/inet6/` name a TCP
 *  or UDP socket, which gawk opens (listens, connects) as it would a file to read. Its other special files only
 *  read (`/dev/stdin`, `/dev/fd/N`). A computed word is no such name here: in the proven subset it is a ${{ }}
 *  value, which the engine reads again written in (provenWithValues) and refuses then; a shell variable, a
 *  substitution or a glob is outside the subset, so such a step is not proven anyway. */
const maySocket = (w: Word): boolean => w.text.startsWith('/inet');

/** find with reviewed primaries: tests, printing to standard output, and -exec of a proven command. */
const FIND_VALUED = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-type', '-xtype',
  '-size', '-perm', '-user', '-group', '-uid', '-gid', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-anewer',
  '-cnewer', '-links', '-inum', '-samefile', '-lname', '-ilname', '-used', '-fstype', '-maxdepth', '-mindepth', '-regextype', '-printf']);
const FIND_BARE = new Set(['-empty', '-executable', '-readable', '-writable', '-nouser', '-nogroup', '-true', '-false', '-xdev', '-mount',
  '-depth', '-daystart', '-follow', '-noleaf', '-ignore_readdir_race', '-noignore_readdir_race', '-prune', '-quit', '-print', '-print0',
  '-ls', '(', ')', '!', ',', '-a', '-o', '-not', '-and', '-or']);

/** What find puts where `{}` stands: a path it found, which begins with the starting point's text (`.` when none
 *  is given), or with `./` under -execdir and -okdir (`/` for the root). Past that prefix the name is the data's:
 *  `find up -exec awk '{}' ';'` ran a file named `up/1;BEGIN{system(…)}` as awk's program (a probe of stop 75). So
 *  a `{}` word is a value with that prefix, never the literal text `{}`. */
function foundPaths(primary: string, starts: Word[]): string[] {
  const texts = (starts.length ? starts : [{ text: '.', pattern: false }]).map((w) => (w.pattern ? w.text.replace(/[*?[{].*$/s, '') : w.text));
  const prefixes = /dir$/.test(primary) ? ['./', ...texts.filter((t) => /^\/+$/.test(t)).map(() => '/')] : texts;
  return [...new Set(prefixes)].map((p) => p + DYNAMIC);
}

/** The words as find passes them: `{}` whole is a found path, or (ended by `+`) as many as fit, so two here:
 *  `find u -type f -exec uniq -c '{}' +` ran `uniq -c u/f1 u/f2`, which wrote f2 (a probe of stop 75); `{}`
 *  inside a word is a path inside text. */
function withFoundPath(a: Word, path: string, many: boolean): Word[] {
  if (a.text === '{}') return Array<Word>(many ? 2 : 1).fill({ ...a, text: path, dynamic: true, pattern: false });
  return [a.text.includes('{}') ? { ...a, text: a.text.replaceAll('{}', DYNAMIC), dynamic: true } : a];
}

export function find(args: Word[], inner: (words: Word[]) => ReadOnlyFinding): ReadOnlyFinding {
  let k = 0;
  while (k < args.length && /^-[HLP]$/.test(args[k]!.text)) k++;
  if (args[k]?.text === '--') k++;
  // Starting points: up to the first word of the expression. One that may become `-delete` at run time is not proven.
  const starts: Word[] = [];
  for (; k < args.length && !/^[-(!,)]/.test(args[k]!.text); k++) {
    if (mayBeOption(args[k]!)) return { unknown: `'find ${shownWord(args[k]!.text)}': a starting point that may become part of the expression at run time (cd into it and find .)` };
    starts.push(args[k]!);
  }
  for (; k < args.length; k++) {
    const w = args[k]!;
    const t = w.text;
    if (w.dynamic || w.pattern && !FIND_VALUED.has(args[k - 1]?.text ?? '')) return { unknown: `'find … ${shownWord(t)}': an expression built from a value` };
    if (t === '-delete') return { looks: 'find -delete' };
    if (/^-(fprint|fprint0|fprintf|fls)$/.test(t)) return { looks: `find ${t}` };
    if (/^-(exec|execdir|ok|okdir)$/.test(t)) {
      // GNU find ends the command at `;`, or (-exec and -execdir) at a `+` right after a `{}` word: any other `+`
      // is the command's argument. Ending at every `+` ran `-exec sed -e s/a/b/ + -iname F ;` as `sed -i`.
      const end = args.findIndex((a, j) => j > k && (a.text === ';' || (a.text === '+' && /^-exec/.test(t) && j - 1 > k && args[j - 1]!.text === '{}')));
      // A word bash splits may hold the `;` that ends the command, and primaries after it (`… ; -delete`).
      const split = args.slice(k + 1, end < 0 ? undefined : end).find((a) => a.splits || a.pattern);
      if (split) return { unknown: `'find ${t} … ${shownWord(split.text)}': a word bash may split into several, which may end the command and add primaries (-delete): quote it` };
      // find puts the file name where {} stands, inside a word too: `sh -c 'echo {}'` ran a file named
      // '$(touch M)' as code. A word with {} in it is a value there.
      const words = args.slice(k + 1, end < 0 ? undefined : end);
      const many = end >= 0 && args[end]!.text === '+';
      const found = foundPaths(t, starts).map((path) => inner(words.flatMap((a) => withFoundPath(a, path, many)))).find(Boolean);
      if (found) return found;
      if (end < 0) return undefined;
      k = end;
      continue;
    }
    // -newerXY takes a reference file or (Y = t) a date: the word after it is its value, never a primary.
    if (FIND_VALUED.has(t) || /^-newer[aBcm][aBcmt]$/.test(t)) {
      // `-name $x` with x = 'a -o -delete' deleted files: bash splits the value (or a glob expands to several
      // names), and find reads the words after the first as its expression.
      const value = args[k + 1];
      const zoned = value && /^-newer[aBcm]t$/.test(t) ? dateStringProblem(value) : undefined;
      if (zoned) return { unknown: `'find ${t} ${zoned}` };
      if (value && (value.splits || value.pattern)) return { unknown: `'find ${t} ${shownWord(value.text)}': a value bash may split or expand into several words, the rest of which find reads as its expression (-o -delete): quote it` };
      k++;
      continue;
    }
    if (FIND_BARE.has(t)) continue;
    return { unknown: `'find … ${shownWord(t)}': not a primary reviewed for find` };
  }
  return undefined;
}

/** curl is never proven a read (shell-read-only.ts: a network client); this tells an acting curl, which
 *  safe_because cannot vouch for, from one the author may vouch for: reviewed GET/HEAD options only, and every
 *  URL literally http(s). Never a config file (`-K`, which may set any option), a body (`-d`, `--json`, `-F`, `-T`), a method other than GET or
 *  HEAD, a file written (`-o`, `-D`, `-c`, `%output{}`), or another protocol (gopher, telnet, dict, ftp, smtp…). */
export const CURL: Options = { flags: 'sSfLkviIGN46#q', valued: 'mHAeuwXrxb', long: 'silent show-error fail fail-with-body fail-early location location-trusted insecure verbose include head get no-buffer ipv4 ipv6 compressed no-progress-meter progress-bar retry-connrefused retry-all-errors http1.0 http1.1 http2 http2-prior-knowledge disable basic digest anyauth netrc netrc-optional no-keepalive no-sessionid path-as-is tcp-nodelay max-time= connect-timeout= header= user-agent= referer= user= write-out= request= range= proxy= cookie= retry= retry-delay= retry-max-time= cacert= capath= resolve= noproxy= max-redirs= unix-socket= oauth2-bearer= connect-to= interface= dns-servers= speed-limit= speed-time= limit-rate= max-filesize= expect100-timeout= keepalive-time= proto= proto-redir= proxy-user= url=' };
function curl(args: Word[]): ReadOnlyFinding {
  // Without -q (or --disable) as its first argument curl reads ~/.curlrc ($CURL_HOME, $XDG_CONFIG_HOME): a line
  // `request = DELETE` or `data = …` there made a proven GET send a DELETE with a body.
  const first = args[0];
  if (!first || first.dynamic || (first.text !== '-q' && first.text !== '--disable')) return { unknown: "'curl' without -q as its first argument: it reads ~/.curlrc, whose options (request = DELETE, data, output) the lint cannot see; write curl -q …" };
  const p = parsed('curl', args, CURL);
  if (!isParsed(p)) {
    const acting = args.find((w) => /^-[a-zA-Z]*[dFTXoOcDK]|^--(data|json|form|upload-file|request|output|config|cookie-jar|dump-header)/.test(w.text));
    return acting && !/^(-X|--request)$/.test(acting.text) ? { looks: `curl ${shownWord(acting.text)}` } : p;
  }
  // Every value is one line of the request: no CR or LF (a second request, or lines for a non-HTTP service), and a
  // header only as `Name: value` (never `@file`, whose lines the lint cannot see).
  const crlf = [...p.operands, ...p.options.flatMap((o) => (o.value ? [o.value] : []))].find((w) => /[\r\n]/.test(w.text));
  if (crlf) return { unknown: `'curl ${shownWord(crlf.text)}': a value with a line break, which may add lines to the request` };
  const header = p.options.find((o) => (o.name === 'H' || o.name === 'header') && (!o.value || o.value.dynamic || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+:( [^\r\n]*)?$/.test(o.value.text)));
  if (header) return { unknown: `'curl -H ${shownWord(header.value?.text ?? '')}': only a literal 'Name: value' header is proven` };
  const method = optionValue(p, 'X', 'request');
  if (method && (method.dynamic || !/^(GET|HEAD)$/.test(method.text))) return { looks: `curl -X ${shownWord(method.text)}` };
  const format = optionValue(p, 'w', 'write-out');
  if (format && (format.dynamic || format.text.startsWith('@') || /%output\{/.test(format.text))) return { looks: 'curl --write-out that may write a file (%output{} or @file)' };
  if (has(p, 'b', 'cookie') && p.options.some((o) => (o.name === 'b' || o.name === 'cookie') && o.value?.dynamic)) return { unknown: "'curl -b $…': a cookie file or value built from a value" };
  const urls = [...p.operands, ...p.options.filter((o) => o.name === 'url').map((o) => o.value!).filter(Boolean)];
  for (const o of p.options) {
    if ((o.name === 'proto' || o.name === 'proto-redir') && (o.value?.dynamic || !/^=?https?(,https?)*$/.test(o.value?.text ?? ''))) return { unknown: `'curl --${o.name} ${shownWord(o.value?.text ?? '')}': protocols other than http(s)` };
  }
  // Redirects may lead to another protocol (older curls follow gopher:// and others): only with http(s) allowed.
  const redirects = optionValue(p, 'proto-redir');
  if (has(p, 'L', 'location', 'location-trusted') && (!redirects || redirects.dynamic)) return { unknown: "'curl -L' without --proto-redir =http,https: a redirect may lead to a protocol that sends data" };
  const bad = urls.find((u) => !/^https?:\/\/[^\s]/i.test(u.text));
  if (bad) return { unknown: `'curl ${shownWord(bad.text)}': not literally an http:// or https:// URL (another protocol may send data)` };
  return undefined;
}

/** date reads the clock; an operand that is not `+FORMAT` sets it. Not -f/--file: its lines are date strings the
 *  lint never sees, each of which may name a zone file (TZ="…", date-strings.ts). */
export const DATE: Options = { flags: 'uRI', valued: 'dr', long: 'date= iso-8601[=] resolution rfc-email rfc-3339= reference= universal utc debug' };
function date(args: Word[]): ReadOnlyFinding {
  if (args.some((w) => /^(-[a-zA-Z]*s|--set)/.test(w.text) && !/^-I/.test(w.text))) return { looks: 'date --set' };
  // -I takes its value attached (`-Iseconds`), which getopt reads as one option.
  const p = parsed('date', args.filter((w) => !/^-I[a-z]*$/.test(w.text)), DATE);
  if (!isParsed(p)) return p;
  const zoned = p.options.filter((o) => o.name === 'd' || o.name === 'date').map((o) => o.value && dateStringProblem(o.value)).find(Boolean);
  if (zoned) return { unknown: `'date -d ${zoned}` };
  const set = p.operands.find((w) => !w.text.startsWith('+'));
  return set ? { looks: `date ${shownWord(set.text)} (sets the clock)` } : undefined;
}

/** hostname reads the name; an operand sets it. */
export const HOSTNAME: Options = { flags: 'adfiIsAy', long: 'alias domain fqdn long ip-address all-ip-addresses short all-fqdns yp nis' };
function hostname(args: Word[]): ReadOnlyFinding {
  const p = parsed('hostname', args, HOSTNAME);
  if (!isParsed(p)) return args.some((w) => /^(-[a-zA-Z]*[Fb]|--(file|boot))/.test(w.text)) ? { looks: 'hostname --file' } : p;
  return p.operands.length ? { looks: 'hostname NAME' } : undefined;
}

/** top is never proven: interactively it reads commands (`k` kills) from its input, and even in batch mode procps'
 *  top creates its configuration directory (~/.config/procps) as it starts (a probe of stop 69). ps reads the same. */
function top(): ReadOnlyFinding {
  return { unknown: "'top': it creates ~/.config/procps as it starts (and without -b reads commands from its input); ps shows the same processes" };
}

export const PROGRAMS: Record<string, Check> = {
  sed: (args) => sed(args), awk: awk('awk'), gawk: awk('gawk'), mawk: awk('mawk'), curl: (args) => curl(args),
  date: (args) => date(args), hostname: (args) => hostname(args), top: () => top(),
};
