// The verdict on one command (after wrappers are unwrapped in shell-lint.ts): proven to read only by
// allowlist — a command of read-commands.ts with its reviewed options (read-options.ts), a program or address
// proven by construction (read-programs.ts), or a verb tool read by its own grammar (read-verbs.ts). Anything
// else is not known to be read-only, so the author must mark it (fail closed). Clients that act on another
// system (database clients, ssh, cloud CLIs) are never proven here: a runbook reads a database with an `sql:`
// step and runs on a host with `target:`. SQL handed to psql or mysql is still returned for the engines' own
// parsers (sql-safety.ts), so that safe_because cannot vouch for a `psql -c "DELETE …"`.
import { posix } from 'node:path';
import { holdsValue, type SimpleCommand, type Word } from '../shell-words.js';
import { builtinFinding } from './builtin-args.js';
import { BUILTINS, READS, WRITES_SECOND_FILE, type ReadOnlyFinding } from './read-commands.js';
import { parseOptions, shownWord } from './read-options.js';
import { PROGRAMS } from './read-programs.js';
import { ipFinding, isVerbTool, journalctlFinding, pgCtlclusterFinding, serviceFinding, verbFinding } from './read-verbs.js';

/** SQL text a shell script hands to a database client, for the SQL classifier. */
export interface ShellSql { engine: 'postgres' | 'mysql'; text: string }

export type { ReadOnlyFinding } from './read-commands.js';
const notKnown = (what: string): ReadOnlyFinding => ({ unknown: `'${what}': not a command reviewed as a read` });

/** Clients that act on another system, and where a runbook does that instead. */
const DATABASE_CLIENTS = new Set(['psql', 'mysql', 'mariadb', 'pg_dump', 'pg_dumpall', 'pg_restore', 'pg_basebackup', 'pgbench', 'vacuumdb',
  'reindexdb', 'clusterdb', 'createdb', 'dropdb', 'createuser', 'dropuser', 'mysqldump', 'mysqladmin', 'mariadb-dump', 'mariadb-admin',
  'mysqlcheck', 'mariadb-check', 'mysqlimport', 'mongo', 'mongosh', 'redis-cli', 'sqlite3', 'cqlsh', 'clickhouse-client', 'pgbouncer']);
const HOST_CLIENTS = new Set(['ssh', 'scp', 'sftp', 'rsync', 'slogin', 'mosh', 'telnet', 'ftp', 'nc', 'ncat', 'netcat', 'socat', 'wget']);
/** Clients that send bytes the author controls (a URL, a header, a name to look up) to whatever listens at the
 *  address: a reviewed curl GET to HAProxy's runtime socket ran `disable server`. Never a proven read: a check
 *  of a service is a probe (which sends only its protocol's fixed bytes) or a vouched step. */
const NETWORK_CLIENTS = new Set(['curl', 'pg_isready', 'dig', 'host', 'nslookup']);
const CLOUD_CLIENTS = new Set(['aws', 'gcloud', 'az', 'gsutil', 'vault', 'helm', 'podman', 'nerdctl', 'crictl', 'oc', 'terraform', 'ansible']);

/** Why a client that acts on another system is not proven, and what to use instead. */
export function clientFinding(name: string): ReadOnlyFinding {
  if (DATABASE_CLIENTS.has(name)) return { unknown: `'${name}': a database client runs what it is given on the server, which the shell lint never proves a read; read a database with an 'sql:' step (the engine's read-only session)` };
  if (HOST_CLIENTS.has(name)) return { unknown: `'${name}': a client that acts on another host, which the shell lint never proves a read; run on a host with 'target:' (the engine's gates)` };
  if (NETWORK_CLIENTS.has(name)) return { unknown: `'${name}': a network client sends what the step gives it to whatever listens at the address (a line protocol reads it as commands), which the shell lint never proves a read; check a service with a probe step, or vouch for this one with safe_because (shown, not run, in a dry run)` };
  return { unknown: `'${name}': a client that acts on another system, which the shell lint never proves a read` };
}
export const isClient = (name: string): boolean => DATABASE_CLIENTS.has(name) || HOST_CLIENTS.has(name) || CLOUD_CLIENTS.has(name) || NETWORK_CLIENTS.has(name);

/** Files whose opening or reading changes something: every device but the few that only give bytes, and the
 *  kernel's message queue (a stop-66 probe: `head -c 200 /proc/kmsg` took messages another reader needed). An
 *  option's glued value counts (`--file=/dev/…`). A value is re-read with the values written in, at run time. */
/** An absolute path as the kernel walks it, as far as text tells: `.`, `..` and repeated slashes resolved, and a
 *  process's root link (/proc/self/root/…) taken as the root it names (a stop-66 probe read /./proc/kmsg and
 *  /proc/self/root/proc/kmsg). A relative path is the step's directory's, which the text does not tell. */
export function asOpened(path: string): string {
  if (!path.startsWith('/')) return path;
  let p = posix.normalize(path);
  for (let q; (q = p.replace(/^\/proc\/(?:self|thread-self|\d+)\/root(?=\/|$)/, '')) !== p;) p = posix.normalize(q || '/');
  return p;
}

export const ACTS_WHEN_OPENED = /^(?:=?)\/+(?:dev\/+(?!(?:null|zero|random|urandom|stdin|stdout|stderr|fd\/+[012])$)|proc\/+(?:self\/+|\d+\/+)?(?:kmsg|sysrq-trigger)$)/;

/** The read-only verdict for `name args…` (a command, not a wrapper, builtin with code, shell or interpreter). */
export function readOnlyFinding(name: string, args: Word[], cmd: SimpleCommand, sql: ShellSql[]): ReadOnlyFinding {
  if (BUILTINS.has(name)) {
    if (name === 'hash') { const p = parseOptions('hash', args, READS.hash!); if ('finding' in p) return p.finding; }
    return builtinFinding(name, args); // echo's and printf's words are text; test's are stat()ed, never opened
  }
  const special = args.find((w) => !w.dynamic && ACTS_WHEN_OPENED.test(asOpened(w.text.replace(/^-[^/]*?(?=\/)/, ''))));
  if (special) return { unknown: `'${name} … ${shownWord(special.text)}': a file that acts when it is opened or read (/dev/watchdog arms a reboot, /proc/kmsg takes the kernel's messages from their reader); only /dev/null, zero, random, urandom, stdin, stdout, stderr and fd/N of /dev are read` };
  if (NETWORK_CLIENTS.has(name)) {
    const acts = PROGRAMS[name]?.(args, cmd); // curl -X DELETE, -d, -o: acting, which safe_because cannot vouch for
    return acts && 'looks' in acts ? acts : clientFinding(name);
  }
  const program = PROGRAMS[name];
  if (program) return program(args, cmd);
  if (isVerbTool(name)) return verbFinding(name, args);
  if (name === 'ip') return ipFinding(args);
  if (name === 'service') return serviceFinding(args);
  if (name === 'pg_ctlcluster') return pgCtlclusterFinding(args);
  if (name === 'journalctl') return journalctlFinding(args, cmd);
  if (name === 'psql') return sqlClient('postgres', name, args, cmd, sql) ?? clientFinding(name);
  if (name === 'mysql' || name === 'mariadb') return sqlClient('mysql', name, args, cmd, sql) ?? clientFinding(name);
  if (isClient(name)) return clientFinding(name);
  const spec = READS[name];
  if (!spec) return notKnown(name);
  const p = parseOptions(name, args, spec);
  if ('finding' in p) return p.finding;
  // `uniq in out` writes out; an operand bash may split could be a second one.
  if (WRITES_SECOND_FILE.has(name) && (p.operands.length > 1 || p.operands.some((w) => w.splits || w.pattern))) return { looks: `${name} writing its second operand` };
  return undefined;
}

const PSQL_VALUED = 'cdfhLopPRTUvF';
const MYSQL_VALUED = 'eDhPSu';

/**
 * `psql -c SQL`, `mysql -e SQL` and SQL on standard input (a here-document or here-string) are handed to the
 * SQL classifier. SQL the lint cannot see (a file, a pipe, a value) cannot be read; client commands (psql's
 * `\!`, `\o`, `\copy`; mysql's `system`, `tee`, `source`) run programs and write files.
 */
function sqlClient(engine: ShellSql['engine'], name: string, args: Word[], cmd: SimpleCommand, sql: ShellSql[]): ReadOnlyFinding {
  const valued = engine === 'postgres' ? PSQL_VALUED : MYSQL_VALUED;
  const sqlLetter = engine === 'postgres' ? 'c' : 'e';
  const sqlLong = engine === 'postgres' ? '--command' : '--execute';
  const texts: Word[] = [];
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    if (t.startsWith('--')) {
      const [option, value] = t.includes('=') ? [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] : [t, undefined];
      if (/^--(output|log-file|tee)$/.test(option)) return { looks: `${name} ${option}` }; // writes a file
      // SQL, a program, a client plugin, or an option file (which may set init-command) the lint cannot see
      if (/^--(file|init-command|pager|defaults-file|defaults-extra-file|defaults-group-suffix|plugin-dir|default-auth|load-extension)$/.test(option)) return { unknown: `'${name} ${option}': SQL, a program or options the lint cannot see` };
      // psql substitutes :variables into the SQL text: what runs is not the text the lint read.
      if (engine === 'postgres' && /^--(set|variable)$/.test(option)) return { unknown: `'${name} ${option}': variables psql substitutes into the SQL` };
      if (option === sqlLong) { const w = value !== undefined ? { ...args[k]!, text: value } : args[++k]; if (w) texts.push(w); }
      continue;
    }
    if (!t.startsWith('-') || t === '-') continue;
    for (let c = 1; c < t.length; c++) {
      const letter = t[c]!;
      if (engine === 'mysql' && letter === 'p') break; // -pPASSWORD: the rest is the password
      if (!valued.includes(letter)) continue;
      const inline = c + 1 < t.length ? t.slice(c + 1) : undefined;
      const value = inline !== undefined ? { ...args[k]!, text: inline } : args[k + 1];
      if (inline === undefined) k++;
      if (letter === sqlLetter) { if (value) texts.push(value); }
      else if (engine === 'postgres' && /[oL]/.test(letter)) return { looks: `${name} -${letter}` }; // writes a file
      else if (engine === 'postgres' && letter === 'f') return { unknown: `'${name} -f': SQL in a file the lint cannot see` };
      else if (engine === 'postgres' && letter === 'v') return { unknown: `'${name} -v': variables psql substitutes into the SQL` };
      break;
    }
  }
  const stdin = cmd.redirects.find((r) => r.body || r.op === '<<<' || r.op === '<');
  if (stdin?.op === '<' || (!stdin && cmd.pipedIn)) return { unknown: `'${name}' reading SQL from a file or a pipe, which the lint cannot see` };
  // An unquoted here-document expands `$x` and `$(…)` in its text: SQL built from values.
  const body = stdin?.body ? { text: stdin.body.text, dynamic: stdin.body.script && /[$`\u0001]/.test(stdin.body.text) } : stdin?.target;
  if (body) texts.push({ text: body.text, dynamic: body.dynamic, pattern: false, quoted: true });
  for (const w of texts) {
    if (w.dynamic || holdsValue(w.text)) return { unknown: `'${name}' with SQL built from a value` };
    if (clientCommand(engine, w.text)) return { unknown: `'${name} ${shown(w)}': a client command (they run programs and write files)` };
    sql.push({ engine, text: w.text });
  }
  return undefined;
}

/** psql meta-commands start with a backslash; the mysql client's own commands (`system`, `\!`, `tee`, `source`). */
function clientCommand(engine: ShellSql['engine'], text: string): boolean {
  if (engine === 'postgres') return text.includes('\\');
  return text.includes('\\') || /(^|[;\n])\s*(system|source|tee|pager|edit|connect|delimiter|nopager|notee|prompt|rehash|use|charset|warnings|nowarning)\b/i.test(text);
}

const shown = (w: Pick<Word, 'text'>) => shownWord(w.text);
