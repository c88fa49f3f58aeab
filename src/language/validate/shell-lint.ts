// Which commands of a shell script change things, read the way bash reads them (language/shell-words.ts):
// quoting and escapes cannot hide a command, wrappers (sudo, env, xargs, timeout, …) are looked through,
// code handed to eval / bash -c / ssh is read too, and a command the lint cannot read — its name built from
// a variable, a glob, eval of a value — counts as dangerous: an author must mark it (fail closed).
import { parseTemplate } from '../expression/index.js';
import { CODE, DYNAMIC, HOLE, parseScript, type SimpleCommand, type Word } from '../shell-words.js';
import { readOnlyFinding, type ShellSql } from './shell-read-only.js';
import { readsAnyArguments } from './read-commands.js';

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
const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox']);
const INLINE_CODE: Record<string, RegExp> = {
  python: /^-c$/, python3: /^-c$/, python2: /^-c$/, perl: /^-[a-zA-Z]*[eE]$/, ruby: /^-e$/, node: /^(-e|--eval|-p|--print)$/,
  php: /^-r$/, lua: /^-e$/, Rscript: /^-e$/,
};
/** Prefixes that run the rest of their words as a command; how many option words take a value. */
const WRAPPERS: Record<string, { valued: RegExp; positional?: number }> = {
  sudo: { valued: /^-[ughpCDrtUT]$/ },
  doas: { valued: /^-[uC]$/ },
  env: { valued: /^-[uC]$|^--(unset|chdir)$/ },
  command: { valued: /^$/ },
  builtin: { valued: /^$/ },
  exec: { valued: /^-a$/ },
  nohup: { valued: /^$/ },
  setsid: { valued: /^$/ },
  time: { valued: /^-[fo]$/ },
  nice: { valued: /^-n$/ },
  ionice: { valued: /^-[cnpt]$/ },
  stdbuf: { valued: /^-[ioe]$/ },
  chrt: { valued: /^$/, positional: 1 },
  taskset: { valued: /^$/, positional: 1 },
  timeout: { valued: /^-[sk]$|^--(signal|kill-after)$/, positional: 1 },
  xargs: { valued: /^-[IiLlnPsdEa]$|^--(max-args|max-procs|delimiter|arg-file|replace|max-lines|max-chars|eof)$/ },
  chroot: { valued: /^$/, positional: 1 },
  flock: { valued: /^-[wEn]$/, positional: 1 },
  unbuffer: { valued: /^$/ },
  watch: { valued: /^-[nd]$|^--(interval)$/ },
  runuser: { valued: /^-[ugl]$/ },
  su: { valued: /^-[lgG]$/ },
  'ip': { valued: /^$/ },  // only `ip netns exec NAME cmd`, see below
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
  const first = scriptDanger(withHoles(script), at);
  return { ...(first ? { first } : {}), ...(at.acting ? { acting: at.acting } : {}) };
}

/** Where the lint is in a script: how deep in nested code, the SQL found so far, the first acting command. */
interface Reading { depth: number; sql: ShellSql[]; acting?: string }
const deeper = (at: Reading): Reading => ({ ...at, depth: at.depth + 1 });

/** Each `${{ }}` becomes HOLE: a value bash receives at run time, never script text. */
function withHoles(script: string): string {
  try {
    return parseTemplate(script).map((p) => (p.kind === 'text' ? p.text.replaceAll(HOLE, '') : HOLE)).join('');
  } catch {
    return script.replace(/\$\{\{[\s\S]*?\}\}/g, HOLE); // expression-check reports the template
  }
}

const MAX_DEPTH = 8;

function scriptDanger(script: string, at: Reading): string | undefined {
  if (at.depth > MAX_DEPTH) return cannotRead('code nested too deep to read');
  const parsed = parseScript(script);
  // Every command is read even after a finding, so that all the SQL the script hands to a client reaches the
  // SQL classifier, which safe_because cannot silence (a vouched-for finding must not hide a DELETE).
  let first = parsed.unreadable.length ? cannotRead(parsed.unreadable[0]!) : undefined;
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
  const execVar = cmd.words.slice(0, assigned).find(setsExecVar);
  if (execVar) return execVarFinding(execVar);
  const code = cmd.words.slice(0, assigned).find(holdsCode);
  if (code) return cannotRead(`'${shown(code.text)}': a value holding code, which bash may run (arithmetic, prompt expansion)`);
  // Words a test or a print only compares or shows (`[[ $state == stop ]]`, `echo restart`) name nothing it does.
  for (const w of handsSql || DATA_ONLY.has(words[0]?.text ?? '') ? [] : words) {
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
  if (name === 'crontab') return args.some((w) => w.text === '-l') && !args.some((w) => /^-[a-zA-Z]*[rei]/.test(w.text)) ? undefined : looks('crontab');
  if (name === 'eval') {
    if (args.some((w) => w.dynamic || w.pattern)) return cannotRead(`'eval ${phrase(args)}': eval of a value`);
    return scriptDanger(args.map((w) => w.text).join(' '), deeper(at));
  }
  if (name === 'source' || name === '.') return sourceDanger(name, args, cmd, at);
  if (name === 'alias') {
    for (const a of args) {
      const eq = a.text.indexOf('=');
      if (eq < 0) continue;
      if (a.dynamic) return cannotRead(`'alias ${phrase([a])}': an alias built from a variable`);
      const found = scriptDanger(a.text.slice(eq + 1), deeper(at));
      if (found) return found;
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
    const execVar = args.find(setsExecVar);
    if (execVar) return execVarFinding(execVar);
    const code = args.find(holdsCode);
    return code ? cannotRead(`'${name} ${shown(code.text)}': a value holding code, which bash may run (arithmetic, prompt expansion)`) : undefined;
  }
  if (SHELLS.has(name)) return shellDanger2(name, args, cmd, at);
  if (name in INLINE_CODE && args.some((w) => INLINE_CODE[name]!.test(w.text))) return cannotRead(`'${name} ${phrase(args.slice(0, 2))}': inline ${name} code`);
  if (name in INLINE_CODE && readsStdin(args, cmd)) return cannotRead(`'${name}' reading its program from standard input`);
  if (name === 'find') return findDanger(args, cmd, at);
  if (name === 'tee') {
    const file = args.find((w) => !w.text.startsWith('-'));
    if (file && !harmlessTarget(file)) return looks(`tee ${shown(file.text)}`);
    return undefined;
  }
  if (name === 'ssh') return sshDanger(args, at);
  const sub = SUBCOMMANDS[name];
  if (sub) {
    const verb = args.find((w) => !w.text.startsWith('-'));
    if (verb?.dynamic || verb?.pattern) return cannotRead(`'${name} ${phrase([verb])}': a sub-command built from a variable`);
    if (verb && sub.test(verb.text)) return looks(`${name} ${verb.text}`);
  }
  if (name === 'ip' && args[0]?.text === 'netns' && args[1]?.text === 'exec') return wordsDanger(args.slice(3), cmd, at);
  if (name in WRAPPERS && name !== 'ip') return wrapperDanger(name, args, cmd, at);
  const finding = readOnlyFinding(name, args, cmd, at.sql);
  if (!finding) return undefined;
  return 'looks' in finding ? looks(finding.looks) : cannotRead(finding.unknown);
}

/** `sudo -u x rm …`, `env A=1 rm …`, `timeout 5 rm …`, `xargs rm`, `su -c 'rm …'`, `watch 'rm …'`. */
function wrapperDanger(name: string, args: Word[], cmd: SimpleCommand, at: Reading): string | undefined {
  const spec = WRAPPERS[name]!;
  if (name === 'command' && args.some((w) => /^-[a-zA-Z]*[vV]/.test(w.text))) return undefined; // a look-up, runs nothing
  if (name === 'su' || name === 'runuser' || name === 'flock') {
    const c = args.findIndex((w) => /^(-c|--command)$/.test(w.text));
    const code = c < 0 ? undefined : args[c + 1];
    if (code) return code.dynamic || code.pattern ? cannotRead(`'${name} -c ${phrase([code])}': code built from a variable`) : scriptDanger(code.text, deeper(at));
    if (name !== 'flock') return undefined; // a login shell reading stdin
  }
  let k = 0;
  for (; k < args.length; k++) {
    const w = args[k]!;
    if (w.text === '--') { k++; break; }
    if (name === 'env' && /^(-S|--split-string)/.test(w.text)) return cannotRead("'env -S': a command line split from a string");
    if (name === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text)) { if (setsExecVar(w)) return execVarFinding(w); continue; }
    if (!w.text.startsWith('-') || w.text === '-') break;
    if (spec.valued.test(w.text)) k++;
  }
  k += spec.positional ?? 0;
  const rest = args.slice(k);
  if (name === 'xargs') {
    const token = xargsReplace(args.slice(0, k));
    if (token && rest[0]?.text.includes(token)) return cannotRead(`'xargs ${phrase(rest.slice(0, 2))}': a command taken from the input`);
    // The input becomes arguments the lint never sees (`… | xargs curl` given `-X DELETE`): only a command
    // that reads whatever it is given may take them.
    const found = wordsDanger(rest, cmd, at);
    const runs = rest[0]?.text ?? 'echo';
    if (found || !rest.length) return found;
    return readsAnyArguments(runs.slice(runs.lastIndexOf('/') + 1)) ? undefined : cannotRead(`'xargs ${phrase(rest.slice(0, 2))}': arguments taken from the input, which may make it act`);
  }
  if (name === 'watch') {
    if (rest.some((w) => w.dynamic || w.pattern)) return cannotRead(`'watch ${phrase(rest)}': a command built from a variable`);
    return scriptDanger(rest.map((w) => w.text).join(' '), deeper(at));
  }
  return wordsDanger(rest, cmd, at);
}

/** bash -c '…' is linted as the script it is; bash reading stdin from a here-document too; from a pipe it cannot be read. */
function shellDanger2(name: string, args: Word[], cmd: SimpleCommand, at: Reading): string | undefined {
  let rest = args;
  if (name === 'busybox') {
    if (!rest[0] || !SHELLS.has(rest[0].text)) return wordsDanger(rest, cmd, at);
    rest = rest.slice(1);
  }
  for (let k = 0; k < rest.length; k++) {
    const w = rest[k]!;
    if (w.dynamic && /^-/.test(w.text) === false && k === 0) return cannotRead(`'${name} ${phrase([w])}': a script named by a variable`);
    if (/^[-+][oO]$|^--(rcfile|init-file)$/.test(w.text)) { k++; continue; }
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(w.text)) {
      const code = rest[k + 1];
      if (!code) return undefined;
      if (code.dynamic || code.pattern) return cannotRead(`'${name} -c ${phrase([code])}': code built from a variable`);
      return scriptDanger(code.text, deeper(at));
    }
    if (w.text === '-s' || w.text === '--' || !w.text.startsWith('-')) {
      if (w.text !== '-s' && w.text !== '--') return cannotRead(`'${name} ${phrase([w])}': a script file the lint cannot see`);
      break;
    }
  }
  const stdin = cmd.redirects.find((r) => r.body || r.op === '<<<');
  if (stdin?.body) return scriptDanger(stdin.body.text, deeper(at));
  if (stdin?.target) return stdin.target.dynamic ? cannotRead(`'${name} <<< ${phrase([stdin.target])}': code built from a variable`) : scriptDanger(stdin.target.text, deeper(at));
  if (cmd.pipedIn || cmd.redirects.some((r) => r.op === '<')) return cannotRead(`'… | ${name}': a script read from a pipe or file`);
  return undefined;
}

/** `source file` runs a file the lint cannot see, like running a script: it cannot be read. From stdin a
 *  here-document is linted. */
function sourceDanger(name: string, args: Word[], cmd: SimpleCommand, at: Reading): string | undefined {
  const file = args[0];
  if (!file) return undefined;
  if (file.dynamic || /^\/(dev\/(stdin|fd\/)|proc\/)/.test(file.text)) {
    const body = cmd.redirects.find((r) => r.body)?.body;
    if (body && /^\/dev\/stdin$/.test(file.text)) return scriptDanger(body.text, deeper(at));
    return cannotRead(`'${name} ${phrase([file])}': code read from a stream or built from a variable`);
  }
  return cannotRead(`'${name} ${phrase([file])}': a file of code the lint cannot see`);
}

/** The replace string of xargs -I / -i / --replace, if any. */
function xargsReplace(options: Word[]): string | undefined {
  for (let k = 0; k < options.length; k++) {
    const t = options[k]!.text;
    if (t === '-I') return options[k + 1]?.text;
    if (t.startsWith('-I')) return t.slice(2);
    if (t === '-i' || t === '--replace') return '{}';
    if (t.startsWith('-i') || t.startsWith('--replace=')) return t.slice(t.indexOf('=') + 1 || 2);
  }
  return undefined;
}

/** An interpreter with no program file reads its program from stdin: a pipe or a here-document. */
function readsStdin(args: Word[], cmd: SimpleCommand): boolean {
  const file = args.find((w) => !w.text.startsWith('-') || w.text === '-');
  return (!file || file.text === '-') && (cmd.pipedIn || cmd.redirects.some((r) => r.body !== undefined || r.op === '<<<' || r.op === '<'));
}

/** A literal with code in it, in a name's subscript or its value: bash runs it where it evaluates the word
 *  (`a['$(cmd)']=1`, arithmetic on the name, ${x@P}). */
const holdsCode = (w: Word) => CODE.test(w.text);

/** find … -delete / -exec rm {} ; */
function findDanger(args: Word[], cmd: SimpleCommand, at: Reading): string | undefined {
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    if (t === '-delete') return looks('find -delete');
    if (/^-(exec|execdir|ok|okdir)$/.test(t)) {
      const end = args.findIndex((w, j) => j > k && (w.text === ';' || w.text === '+'));
      const found = wordsDanger(args.slice(k + 1, end < 0 ? undefined : end), cmd, at);
      if (found) return found;
    }
    if (/^-(fprint|fprint0|fprintf|fls)$/.test(t)) return looks(`find ${t}`);
  }
  return undefined;
}

/** ssh -o options that only say how to connect: every other one may run a local command (ProxyCommand,
 *  LocalCommand, KnownHostsCommand), load code (PKCS11Provider), write a file or hide the remote command
 *  (RemoteCommand). */
const SSH_READ_OPTIONS = /^(BatchMode|ConnectTimeout|ConnectionAttempts|ServerAliveInterval|ServerAliveCountMax|StrictHostKeyChecking|LogLevel|Port|User|IdentityFile|IdentitiesOnly|PasswordAuthentication|PubkeyAuthentication|PreferredAuthentications|KbdInteractiveAuthentication|HostKeyAlias|HostName|Compression|AddressFamily|Ciphers|MACs|KexAlgorithms|HostKeyAlgorithms|PubkeyAcceptedAlgorithms|PubkeyAcceptedKeyTypes|RequestTTY|ForwardAgent|NumberOfPasswordPrompts|TCPKeepAlive|CheckHostIP|VisualHostKey|UpdateHostKeys|HashKnownHosts|GlobalKnownHostsFile|ProxyJump|SetEnv|SendEnv|ClearAllForwardings|ExitOnForwardFailure|EscapeChar|IPQoS|Tunnel|GSSAPIAuthentication)$/i;

/** The remote command of `ssh host cmd …` is a script run by the remote shell; its options are checked. */
function sshDanger(args: Word[], at: Reading): string | undefined {
  let k = 0;
  for (; k < args.length; k++) {
    const t = args[k]!.text;
    if (!t.startsWith('-')) break;
    const option = sshOption(t, args[k + 1]);
    if (option) return option;
    if (/^-[BbcDEeFIiJLlmOoPpQRSWw]$/.test(t)) k++;
  }
  const remote = args.slice(k + 1);
  if (!remote.length) return undefined;
  if (remote.some((w) => w.dynamic || w.pattern)) return cannotRead(`'ssh … ${phrase(remote)}': a remote command built from a variable`);
  return scriptDanger(remote.map((w) => w.text).join(' '), deeper(at));
}

/** What an ssh option does that is not connecting: runs or loads something here, or writes a file. Letters may be
 *  clustered (`-tt`), and an option's value attached (`-oProxyCommand=…`) or the next word. */
function sshOption(t: string, next: Word | undefined): string | undefined {
  if (t.startsWith('--')) return undefined;
  for (let i = 1; i < t.length; i++) {
    const letter = t[i]!;
    const valued = /[BbcDEeFIiJLlmOoPpQRSWw]/.test(letter);
    const value = !valued ? undefined : i + 1 < t.length ? { text: t.slice(i + 1), dynamic: false } : next;
    if (letter === 'o') {
      const key = value?.text.trim().split(/[=\s]/)[0] ?? '';
      return value?.dynamic || !SSH_READ_OPTIONS.test(key) ? cannotRead(`'ssh -o ${shown(value?.text ?? '')}': an ssh option that may run a local command`) : undefined;
    }
    if (letter === 'F') return cannotRead("'ssh -F': a config file the lint cannot see (it may name a ProxyCommand)");
    if (letter === 'I') return cannotRead("'ssh -I': a PKCS#11 library loaded into ssh");
    if (letter === 'E') return `runs a shell command that writes a file ('ssh -E ${shown(value?.text ?? '')}')`;
    if (letter === 'M' || letter === 'S') return cannotRead(`'ssh -${letter}': a control socket (a lingering master connection)`);
    if (valued) return undefined; // the rest of the word, or the next one, is its value
  }
  return undefined;
}

function redirectDanger(r: SimpleCommand['redirects'][number]): string | undefined {
  if (!/>/.test(r.op) || r.op === '>&' && /^\d+-?$/.test(r.target?.text ?? '')) return undefined;
  const target = r.target;
  if (!target || harmlessTarget(target)) return undefined;
  // A write to a system path acts; any other file (a scratch file, "$out") is a write the author may vouch for.
  return SYSTEM_PATH.test(target.text) ? looks(`${r.op} ${target.text}`) : `runs a shell command that writes a file ('${shown(`${r.op} ${target.text}`)}')`;
}

const SYSTEM_PATH = /^\/(etc|var|usr|boot|lib|lib64|bin|sbin|opt|root|srv|home|sys|proc|run)\/|^\/dev\/(?!null$|stdout$|stderr$|fd\/)/;

const harmlessTarget = (w: Word) => /^\/dev\/(null|stdout|stderr|fd\/\d+|tcp\/.*|udp\/.*)$/.test(w.text) || /^\d+-?$/.test(w.text) || w.text === '-';

/** Variables that decide which code runs (a command looked up on PATH, a file bash sources, a preloaded library,
 *  a prompt or rc file, a config file naming a program: HOME decides ~/.curlrc, ~/.ssh/config, ~/.kube/config):
 *  set by a step, they make the commands the lint read run something else. */
export const EXEC_VARS = /^(PATH|BASH_ENV|ENV|LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|PROMPT_COMMAND|PS4|SHELLOPTS|BASHOPTS|BASH_LOADABLES_PATH|IFS|CDPATH|PSQLRC|MYSQL_HOME|PYTHONSTARTUP|PYTHONPATH|NODE_OPTIONS|PERL5OPT|PERL5LIB|RUBYOPT|GCONV_PATH|PAGER|PSQL_PAGER|SYSTEMD_PAGER|GIT_SSH_COMMAND|BASH_FUNC_\w+%*|HOME|XDG_CONFIG_HOME|CURL_HOME|KUBECONFIG|DOCKER_CONFIG|AWS_CONFIG_FILE|RIPGREP_CONFIG_PATH|OPENSSL_CONF|OPENSSL_MODULES|OPENSSL_ENGINES|PGSERVICEFILE|PGSYSCONFDIR|MYSQL_TEST_LOGIN_FILE|LESSOPEN|LESSCLOSE)$/;
const setsExecVar = (w: Word) => { const m = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/.exec(w.text); return m !== null && EXEC_VARS.test(m[1]!); };
const execVarFinding = (w: Word) => cannotRead(`'${shown(w.text.slice(0, w.text.indexOf('=') + 1))}…': it decides what the commands run`);

/** Leading NAME=value words: assignments, not the command. */
function assignments(words: Word[]): number {
  let k = 0;
  while (k < words.length && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(words[k]!.text)) k++;
  return k;
}
