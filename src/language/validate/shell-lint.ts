// Which commands of a shell script change things, read the way bash reads them (language/shell-words.ts):
// quoting and escapes cannot hide a command, wrappers (sudo, env, timeout, …) are unwrapped only with their
// reviewed options (shell-wrappers.ts), code handed to eval / bash -c is read too, and every command must be
// proven to read (shell-read-only.ts): a command the lint cannot prove — its name built from a variable, an
// option not reviewed, a client acting elsewhere — is not known to be read-only, so an author must mark it
// (fail closed). A short list of what certainly acts (rm, kill, `systemctl stop`, a write to /etc) only
// sharpens the message: safe_because cannot vouch for those.
import { readTemplate, withHoles, type Plan } from '../shell-plan.js';
import { holeSpelling, planText, singleQuoted } from '../shell-plan-text.js';
import { inertSetting, inertVariable, localeVariable, variableWhy } from '../shell-vars.js';
import { CODE, DYNAMIC, HOLE, holdsValue, parseScript, type SimpleCommand, type Word } from '../shell-words.js';
import { ACTS_WHEN_OPENED, asOpened, clientFinding, readOnlyFinding, type ShellSql } from './shell-read-only.js';
import { find } from './read-programs.js';
import { kubectlSecretRead } from './kubectl-secrets.js';
import { declareValueRisk } from './declare-values.js';
import { parseOptions } from './read-options.js';
import { assignments, codeFromValue, HEREDOC_VALUE, INTERPRETERS, isWrapper, SHELLS, shellDanger as shellCode, wrapperDanger, type Inner } from './shell-wrappers.js';

/** Command names that change things whatever their arguments. */
const DANGEROUS = new Set([
  'rm', 'rmdir', 'unlink', 'shred', 'wipefs', 'kill', 'pkill', 'killall', 'skill', 'reboot', 'shutdown', 'halt', 'poweroff',
  'truncate', 'dd', 'mkfs', 'mke2fs', 'mkswap', 'fdisk', 'sfdisk', 'parted', 'iptables', 'ip6tables', 'nft', 'ufw',
  'firewall-cmd', 'init', 'telinit', 'userdel', 'groupdel', 'passwd', 'chpasswd', 'umount', 'swapoff',
]);
/** Words that name a change wherever they stand (`service x restart`, `pg_ctl stop`, `curl -X DELETE`). */
const VERBS = /\b(rm|rmdir|kill|pkill|killall|reboot|shutdown|halt|poweroff|truncate|dd|mkfs|iptables|ufw|drop|delete|terminate|restart|stop|reload)\b/i;
/** Sub-commands of service managers and orchestrators that change things. */
const SUBCOMMANDS: Record<string, RegExp> = {
  systemctl: /^(restart|stop|reload|kill|disable|mask|isolate|try-restart|reload-or-restart|condrestart|force-reload|poweroff|reboot|halt|emergency|rescue|kexec|set-property|edit|revert|daemon-reload)$/,
  docker: /^(rm|rmi|stop|restart|kill|prune|pause|update|down)$/,
  podman: /^(rm|rmi|stop|restart|kill|prune|pause|update)$/,
  kubectl: /^(delete|scale|drain|cordon|uncordon|patch|apply|replace|edit|set|annotate|label|taint|rollout|create|expose|autoscale)$/,
  helm: /^(uninstall|delete|rollback|upgrade|install)$/,
};
/** Why the script looks destructive or cannot be read (a short phrase), or undefined. SQL it hands to a
 *  database client goes to `sql`, for the SQL classifier (sql-safety.ts). */
export function shellDanger(script: string, sql: ShellSql[] = []): string | undefined {
  return shellFindings(script, sql).first;
}

/** The first finding, and the first of a command known to act (`rm`, `kill`, `> /etc/…`): safe_because cannot
 *  vouch for that one, only for what the lint cannot read. */
export function shellFindings(script: string, sql: ShellSql[] = []): { first?: string; acting?: string } {
  const at: Reading = { depth: 0, sql };
  // Proven only in the subset the engine runs as its own text (shell-plan.ts): that text is what is read here.
  // Outside it, the author's text is read for what it certainly does (`rm`), and the step is not proven anyway.
  const reading = readTemplate(script);
  const first = 'plan' in reading ? scriptDanger(planText(reading.plan, holeSpelling), at)
    : scriptDanger(withHoles(script), at) ?? `runs a shell command outside the proven subset (${reading.outside}; docs/confirmation.md)`;
  return { ...(first ? { first } : {}), ...(at.acting ? { acting: at.acting } : {}) };
}

/** Whether a proven plan is still proven with the values it runs with, written in as literal words: the lint then
 *  reads what bash will be handed (a value that makes an option, a test operator, a name with a subscript or
 *  find syntax), by the same tables. Not the finding itself: it may quote a value, which may be a secret. */
export function provenWithValues(plan: Plan, values: readonly string[]): boolean {
  // As validate reads the plan's text (shellFindings), with each value a literal word where HOLE stood.
  return values.length === 0 || scriptDanger(planText(plan, (n) => singleQuoted(values[n - 1] ?? '')), { depth: 0, sql: [] }) === undefined;
}

/** What the script reads from a store of secrets (kubectl-secrets.ts), by the engine's reading: the plan's text
 *  with its values written in as literal words, as bash is handed it; outside the subset the author's text, where
 *  a value counts as one that may name a store. Said for the record (the step is then given a secret). */
export function secretStoresRead(template: string, plan: Plan | undefined, values: readonly string[]): string[] {
  const at: Reading = { depth: 0, sql: [], stores: [] };
  scriptDanger(plan ? planText(plan, (n) => singleQuoted(values[n - 1] ?? '')) : withHoles(template), at);
  return [...new Set(at.stores)];
}

/** The allowlist's reading of the author's text alone, without the subset (shell-plan.ts): what the tables
 *  prove of each command. A step is proven only when this holds of its plan's text (shellFindings). */
export function allowlistFindings(script: string, sql: ShellSql[] = []): string | undefined {
  return scriptDanger(withHoles(script), { depth: 0, sql });
}

/** Where the lint is in a script: how deep in nested code, the SQL found so far, the first acting command. */
interface Reading { depth: number; sql: ShellSql[]; acting?: string; stores?: string[] }
const deeper = (at: Reading): Reading => ({ ...at, depth: at.depth + 1 });

const MAX_DEPTH = 8;

function scriptDanger(script: string, at: Reading): string | undefined {
  if (at.depth > MAX_DEPTH) return cannotRead('code nested too deep to read');
  const parsed = parseScript(script);
  // Every command is read even after a finding, so that all the SQL the script hands to a client reaches the
  // SQL classifier, which safe_because cannot silence (a vouched-for finding must not hide a DELETE).
  // Syntax bash would refuse, or that the reader does not fully understand, is not read as anything: bash runs
  // the commands before it and may read the rest differently from the lint.
  const notRead = parsed.unreadable[0] ?? (parsed.problems[0] ? `${parsed.problems[0]}: syntax the lint's reader does not fully understand` : undefined);
  let first = notRead ? cannotRead(notRead) : undefined;
  for (const cmd of parsed.commands) {
    const found = commandDanger(cmd, at);
    if (found?.startsWith(LOOKS)) at.acting ??= found;
    first ??= found;
  }
  return first;
}

const LOOKS = 'runs a shell command that looks destructive';
const DATA_ONLY = new Set(['[[', '[', 'test', 'echo', 'printf', ':', 'true', 'false']);
const looks = (what: string) => `${LOOKS} ('${shown(what)}')`;
const cannotRead = (why: string) => `runs a shell command the lint cannot read (${why})`;
const shown = (text: string) => text.replaceAll(DYNAMIC, '$…').replaceAll(HOLE, '${{ }}').replace(/\s+/g, ' ').trim().slice(0, 60);
const phrase = (words: Word[]) => shown(words.map((w) => w.text).join(' '));

function commandDanger(cmd: SimpleCommand, at: Reading): string | undefined {
  const assigned = assignments(cmd.words);
  const words = cmd.words.slice(assigned);
  const sqlBefore = at.sql.length;
  const found = wordsDanger(words, cmd, at); // first, so that the SQL it hands to a client is always collected
  const handsSql = at.sql.length > sqlBefore; // psql -c "DELETE …": the SQL classifier judges the words
  if (found?.startsWith(LOOKS)) return found; // what acts outranks what cannot be read
  for (const r of cmd.redirects) {
    const write = redirectDanger(r);
    if (write) return write;
  }
  const execVar = cmd.words.slice(0, assigned).find(setsNonInertVar);
  if (execVar) return execVarFinding(execVar);
  const indexed = cmd.words.slice(0, assigned).find(evaluatedSubscript);
  if (indexed) return cannotRead(`'${shown(indexed.text.slice(0, indexed.text.indexOf('=') + 1))}…': a subscript bash evaluates as arithmetic, running code in a variable's value`);
  const code = cmd.words.slice(0, assigned).find(holdsCode);
  if (code) return cannotRead(`'${shown(code.text)}': a value holding code, which bash may run (arithmetic, prompt expansion)`);
  // A command not proven to read that names a change (`service x restart`, `pg_ctl stop`) is reported as acting,
  // which safe_because cannot vouch for. A proven read is not (`tr --delete`, `command -v rm`), nor are the words a
  // test or a print only compares or shows (`[[ $state == stop ]]`, `echo restart`).
  for (const w of !found || handsSql || DATA_ONLY.has(words[0]?.text ?? '') ? [] : words) {
    const verb = VERBS.exec(w.text.replaceAll(DYNAMIC, ' '));
    if (verb && words[0] !== w) return looks(`${words[0]?.text ?? ''} ${verb[0]}`);
  }
  return found;
}

/** The danger of running `words` as a command (after assignments and wrappers). */
function wordsDanger(words: Word[], cmd: SimpleCommand, at: Reading): string | undefined {
  const head = words[0];
  if (!head) return undefined;
  if (head.dynamic) return cannotRead(`'${phrase(words.slice(0, 3))}': a command built from a variable or substitution`);
  if (head.pattern) return cannotRead(`'${phrase(words.slice(0, 3))}': a command name bash expands from a pattern`);
  const name = head.text.slice(head.text.lastIndexOf('/') + 1);
  const args = words.slice(1);
  if (DANGEROUS.has(name) || /^mkfs\./.test(name)) return looks(name);
  if (VERBS.test(name)) return looks(name);
  // A program at a relative or unusual path is not the command of that name the tables reviewed (`./cat`).
  if (head.text.includes('/') && !/^\/(usr\/)?s?bin\/[^/]+$/.test(head.text)) return cannotRead(`'${shown(head.text)}': a program at a path, not the reviewed command looked up on PATH (only /bin, /usr/bin, /sbin, /usr/sbin)`);
  if (name === 'crontab') {
    const p = parseOptions('crontab', args, { flags: 'l', valued: 'u' });
    return !('finding' in p) && p.options.some((o) => o.name === 'l') && !p.operands.length ? undefined : looks('crontab');
  }
  if (name === 'eval') {
    if (args.some((w) => w.dynamic || w.pattern)) return cannotRead(`'eval ${phrase(args)}': eval of a value`);
    return scriptDanger(args.map((w) => w.text).join(' '), deeper(at));
  }
  if (name === 'source' || name === '.') return sourceDanger(name, args, cmd, at);
  if (name === 'alias') {
    // An alias's text is read in place of the word and joined to what follows it: `alias cat='cat <<true'` made the
    // next lines (read here as commands, `echo '$(touch M)'`) the body of a here-document bash expands. Expansion
    // is off in a script, but posix mode or the environment (POSIXLY_CORRECT, SHELLOPTS, BASHOPTS) turns it on.
    // So a definition is read for what acts in it, and never proven; listing aliases is a read.
    for (const a of args) {
      const eq = a.text.indexOf('=');
      if (eq < 0) continue;
      if (a.dynamic) return cannotRead(`'alias ${phrase([a])}': an alias built from a variable`);
      const found = scriptDanger(a.text.slice(eq + 1), deeper(at));
      if (found?.startsWith(LOOKS)) return found;
      return cannotRead(`'alias ${phrase([a])}': an alias's text is joined to the words and lines after it where bash expands it (posix mode, or SHELLOPTS/BASHOPTS from the environment), which the lint does not follow: call a function instead`);
    }
    return undefined;
  }
  if (name === 'trap') {
    const code = args.find((w) => !w.text.startsWith('-'));
    if (!code) return undefined;
    if (code.dynamic) return cannotRead(`'trap ${phrase([code])}': code built from a variable`);
    return scriptDanger(code.text, deeper(at));
  }
  if (['declare', 'typeset', 'local', 'export', 'readonly'].includes(name)) {
    if (args.some((w) => /^-[a-zA-Z]*i/.test(w.text))) return cannotRead(`'${name} -i': an integer variable, whose assigned values bash evaluates as arithmetic`);
    // A nameref (-n) makes later assignments to one name set another, which the lint does not follow.
    if (args.some((w) => /^[-+][a-zA-Z]*n/.test(w.text))) return cannotRead(`'${name} -n': a name that stands for another variable, which the lint does not follow`);
    // `export NAME` (no value) exports what the step set before: the name itself must be inert.
    // A locale variable's value was checked where it was set (inertSetting).
    const named = args.find((w) => !w.text.startsWith('-') && !w.text.startsWith('+') && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.text) && !inertVariable(w.text) && !localeVariable(w.text));
    if (named) return cannotRead(variableWhy(named.text));
    const reread = declareValueRisk(name, args);
    if (reread) return cannotRead(reread);
    const indexed = args.find(evaluatedSubscript);
    if (indexed) return cannotRead(`'${name} ${shown(indexed.text)}': a subscript bash evaluates as arithmetic`);
    const execVar = args.find(setsNonInertVar);
    if (execVar) return execVarFinding(execVar);
    const code = args.find(holdsCode);
    return code ? cannotRead(`'${name} ${shown(code.text)}': a value holding code, which bash may run (arithmetic, prompt expansion)`) : undefined;
  }
  const inner = innerReader(cmd, at);
  if (SHELLS.has(name)) return shellCode(name, args, cmd, inner);
  if (INTERPRETERS.test(name)) return cannotRead(`'${name} ${phrase(args.slice(0, 2))}': a ${name} program, which the lint does not read`);
  if (name === 'find') {
    let acting: string | undefined;
    const found = find(args, (w) => { acting = wordsDanger(w, cmd, at); return acting ? { unknown: acting } : undefined; });
    return acting ?? (found ? ('looks' in found ? looks(found.looks) : cannotRead(found.unknown)) : undefined);
  }
  if (name === 'tee') {
    const p = parseOptions('tee', args, { flags: 'aip', long: 'append ignore-interrupts output-error[=]' });
    if ('finding' in p) return cannotRead(p.finding && 'unknown' in p.finding ? p.finding.unknown : 'tee');
    // tee's operands are file names, all of them: `2`, `12-` and `-` are files in the working directory to tee
    // (a probe of stop 67 overwrote one through a symlink), where a redirection reads them as descriptors.
    const file = p.operands.find((w) => !DEVICE_TARGET.test(w.text));
    return file ? looks(`tee ${shown(file.text)}`) : undefined;
  }
  if (name === 'ssh') return sshDanger(args, at);
  if (name === 'ip' && args[0]?.text === 'netns' && args[1]?.text === 'exec') {
    if (!args[2] || args[2].dynamic || args[2].text.startsWith('-')) return cannotRead("'ip netns exec': a namespace name the lint cannot read");
    return wordsDanger(args.slice(3), cmd, at);
  }
  if (isWrapper(name)) return wrapperDanger(name, args, inner, (w) => (setsNonInertVar(w) ? execVarFinding(w) : undefined));
  const store = name === 'kubectl' ? kubectlSecretRead(args) : undefined;
  if (store) at.stores?.push(store);
  const finding = readOnlyFinding(name, args, cmd, at.sql);
  if (!finding) return undefined;
  // Not proven: a sub-command that changes things is reported as acting (safe_because cannot vouch for it).
  const sub = SUBCOMMANDS[name];
  const verb = sub && args.find((w) => !w.text.startsWith('-'));
  if (verb && !verb.dynamic && sub!.test(verb.text)) return looks(`${name} ${verb.text}`);
  return 'looks' in finding ? looks(finding.looks) : cannotRead(finding.unknown);
}

/** What the wrappers and shells use to read the command or code they run. */
function innerReader(cmd: SimpleCommand, at: Reading): Inner {
  return {
    words: (words) => wordsDanger(words, cmd, at),
    script: (text) => scriptDanger(text, deeper(at)),
    cannotRead, phrase,
    isLooks: (found) => found?.startsWith(LOOKS) === true,
  };
}

/** `source file` runs a file the lint cannot see, like running a script: it cannot be read. From stdin a
 *  here-document is linted. */
function sourceDanger(name: string, args: Word[], cmd: SimpleCommand, at: Reading): string | undefined {
  const file = args[0];
  if (!file) return undefined;
  if (file.dynamic || /^\/(dev\/(stdin|fd\/)|proc\/)/.test(file.text)) {
    const body = cmd.redirects.find((r) => r.body)?.body;
    if (body && /^\/dev\/stdin$/.test(file.text)) return codeFromValue(body.text) ? cannotRead(`'${name} /dev/stdin <<EOF': ${HEREDOC_VALUE}`) : scriptDanger(body.text, deeper(at));
    return cannotRead(`'${name} ${phrase([file])}': code read from a stream or built from a variable`);
  }
  return cannotRead(`'${name} ${phrase([file])}': a file of code the lint cannot see`);
}

/** A literal with code in it, in a name's subscript or its value: bash runs it where it evaluates the word
 *  (`a['$(cmd)']=1`, arithmetic on the name, ${x@P}). */
const holdsCode = (w: Word) => CODE.test(w.text);
/** `a[i]=…`, `a[$x]=…`: an indexed array's subscript is arithmetic, where a name's value is evaluated as code. */
const evaluatedSubscript = (w: Word) => { const m = /^[A-Za-z_][A-Za-z0-9_]*\[([^\]]*)\]\+?=/.exec(w.text); return m !== null && !/^\d+$/.test(m[1]!); };

/** ssh acts on another host: never proven here (run on a host with `target:`). Its remote command is still
 *  read, so that one that acts is reported as acting. */
function sshDanger(args: Word[], at: Reading): string | undefined {
  let k = 0;
  for (; k < args.length; k++) {
    const t = args[k]!.text;
    if (!t.startsWith('-')) break;
    if (/^-[a-zA-Z]*[BbcDEeFIiJLlmOoPpQRSWw]$/.test(t)) k++;
  }
  const remote = args.slice(k + 1);
  const found = remote.length && !remote.some((w) => w.dynamic || w.pattern) ? scriptDanger(remote.map((w) => w.text).join(' '), deeper(at)) : undefined;
  if (found?.startsWith(LOOKS)) return found;
  const client = clientFinding('ssh');
  return cannotRead(client && 'unknown' in client ? client.unknown : 'ssh');
}

function redirectDanger(r: SimpleCommand['redirects'][number]): string | undefined {
  // bash's /dev/tcp and /dev/udp open a socket, whatever the direction, and anything may then be written to it
  // (`printf … <"$x" >&0` sent its bytes to a TCP service). A path bash computes at run time may be one.
  if (r.target && !/^<<[<-]?$/.test(r.op) && maySocket(r.target)) { // a here-string or -document's word is text, not a path
    return cannotRead(`'${shown(`${r.op}${r.target.text}`)}': ${r.target.dynamic || r.target.pattern || r.target.text.startsWith('~') ? 'a path built at run time, which may be /dev/tcp/… or /dev/udp/…: ' : ''}a network connection from bash, which may send anything (name the file literally or pass it to the command, cat -- "$f"; read HTTP with curl, check a port with a probe step)`);
  }
  if (r.target && !r.target.dynamic && r.op.startsWith('<') && !/^<<[<-]?$/.test(r.op) && ACTS_WHEN_OPENED.test(asOpened(r.target.text))) {
    return cannotRead(`'${shown(`${r.op}${r.target.text}`)}': a file that acts when it is opened or read (/dev/watchdog, /proc/kmsg)`);
  }
  if (!/>/.test(r.op) || r.op === '>&' && /^\d+-?$/.test(r.target?.text ?? '')) return undefined;
  const target = r.target;
  if (!target || harmlessTarget(target)) return undefined;
  // A write to a system path acts; any other file (a scratch file, "$out") is a write the author may vouch for.
  return SYSTEM_PATH.test(target.text) ? looks(`${r.op} ${target.text}`) : `runs a shell command that writes a file ('${shown(`${r.op} ${target.text}`)}')`;
}

const SOCKETS = ['/dev/tcp/', '/dev/udp/'];
/** Whether a redirection's target may name bash's /dev/tcp or /dev/udp: a literal one, or one whose literal
 *  beginning (before a value, a ${{ }} hole, a tilde or a glob) does not rule them out. An allowlist of sorts:
 *  only a target proven to name something else is a file. */
function maySocket(w: Word): boolean {
  if (/^\d+-?$|^-$/.test(w.text) && !w.dynamic) return false; // a descriptor (>&2, <&-)
  const computed = w.text.startsWith('~') ? 0 : w.text.search(w.pattern ? /[\u0000\u0001*?[{]/ : /[\u0000\u0001]/);
  if (computed < 0) return SOCKETS.some((s) => w.text.startsWith(s));
  const known = w.text.slice(0, computed);
  return SOCKETS.some((s) => s.startsWith(known) || known.startsWith(s));
}

const SYSTEM_PATH = /^\/(etc|var|usr|boot|lib|lib64|bin|sbin|opt|root|srv|home|sys|proc|run)\/|^\/dev\/(?!null$|stdout$|stderr$|fd\/[012]$)/;

/** Where a write goes nowhere but the step's own output: /dev/null, its standard streams (a step holds no other
 *  descriptor: the supervisor closes every one it was handed above 2). */
const DEVICE_TARGET = /^\/dev\/(null|stdout|stderr|fd\/[012])$/;
/** A redirection's target that is one of those, or a descriptor (`>&2`, `>&5-`, `>&-`). */
const harmlessTarget = (w: Word) => DEVICE_TARGET.test(w.text) || /^\d+-?$/.test(w.text) || w.text === '-';

/** An assignment (`NAME=…`, `NAME[i]+=…`) to a variable a read may not set, or not to that value (shell-vars.ts):
 *  the value counts only as a whole literal (not appended, not from a value or a ${{ }} hole). */
const setsNonInertVar = (w: Word) => {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?(\+?)=/.exec(w.text);
  if (!m) return false;
  const literal = !m[2] && !m[3] && !w.dynamic && !w.pattern && !holdsValue(w.text) ? w.text.slice(m[0].length) : undefined;
  return !inertSetting(m[1]!, literal);
};
const execVarFinding = (w: Word) => cannotRead(variableWhy(w.text.slice(0, w.text.search(/[[+=]/))));
