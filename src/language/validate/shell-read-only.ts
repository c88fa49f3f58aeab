// The commands a step that is not destructive may run without vouching for them: the ones known to only read,
// each with the arguments that would make it write (`sort -o`, `date -s`, `curl -X DELETE`, `systemctl start`)
// checked. Anything else is not known to be read-only, so the author must mark it (fail closed): a list of what
// changes things can never be complete (`mv`, `cp`, `chmod`, `git reset`, `psql -c "UPDATE …"` all slipped past one).
// SQL handed to a database client (`psql -c`, `mysql -e`, a here-document) is returned for the engines' own
// parsers to classify (sql-safety.ts), like a SQL step's query.
import { DYNAMIC, HOLE, type SimpleCommand, type Word } from '../shell-words.js';
import { builtinFinding } from './builtin-args.js';
import { actingOption, BUILTINS, READS, WRITES_SECOND_FILE, type Acting, type ReadOnlyFinding } from './read-commands.js';

/** SQL text a shell script hands to a database client, for the SQL classifier. */
export interface ShellSql { engine: 'postgres' | 'mysql'; text: string }

export type { ReadOnlyFinding } from './read-commands.js';
const notKnown = (what: string): ReadOnlyFinding => ({ unknown: `'${what}': not known to be read-only` });

/** Tools whose first word after the options says what they do: the verbs that only read. */
const READ_VERBS: Record<string, RegExp> = {
  systemctl: /^(status|is-active|is-enabled|is-failed|is-system-running|show|cat|list-units|list-unit-files|list-sockets|list-timers|list-dependencies|list-jobs|help)$/,
  docker: /^(ps|inspect|logs|port|version|info|stats|top|images|events|diff|history)$/,
  podman: /^(ps|inspect|logs|port|version|info|stats|top|images|events|diff|history)$/,
  kubectl: /^(get|describe|logs|top|version|explain|api-resources|api-versions|cluster-info)$/,
  helm: /^(list|ls|status|get|history|version|show|search)$/,
  mysqladmin: /^(ping|status|extended-status|variables|processlist|version)$/,
  pg_ctl: /^status$/,
  openssl: /^(s_client|x509|verify|version|ciphers|list|crl)$/,
  vault: /^(read|list|status|version|print)$/,
};
/** Verbs that name a group of verbs (`docker compose ps`, `kubectl config view`): the reads among them. */
const READ_SUBVERBS: Record<string, RegExp> = {
  'docker compose': /^(ps|logs|config|ls|version|top|images|port)$/,
  'docker container': /^(ls|ps|inspect|logs|port|top|stats|diff)$/,
  'docker image': /^(ls|inspect|history)$/,
  'docker network': /^(ls|inspect)$/,
  'docker volume': /^(ls|inspect)$/,
  'docker system': /^(df|info|events)$/,
  'kubectl config': /^(view|current-context|get-contexts|get-clusters|get-users)$/,
  'kubectl auth': /^(can-i|whoami)$/,
  'kubectl rollout': /^(status|history)$/,
  'vault kv': /^(get|list|metadata)$/,
};
const GROUP_VERBS = new Set(Object.keys(READ_SUBVERBS).map((k) => k.split(' ')[1]!));

/** Options of the verb tools with which they write, or load code (an engine, a provider, a config naming one). */
const TOOL_OPTIONS: Record<string, Acting> = {
  openssl: { writes: /^-(out|keyout|sess_out|msgfile|keylogfile|writerand)$/, runs: /^-(engine|provider|provider-path|config)$/ },
  hostname: { writes: /^(-[a-zA-Z]*F|--file|-b|--boot)/ },
  // a kubeconfig names credential plugins it runs; docker's config, credential helpers
  kubectl: { runs: /^--kubeconfig\b/ }, helm: { runs: /^--kubeconfig\b/ }, docker: { runs: /^--config\b/ },
};
/** `ip` commands that only read. */
const IP_READS = /^(show|sh|list|lst|ls|get|help)$/;
/** curl options that send, upload or write (short letters also inside clusters such as `-sXDELETE`). */
const CURL_LONG = /^--(request|data|data-\w+|form|form-string|upload-file|json|output|remote-name|remote-name-all|cookie-jar|dump-header|config|quote|post\d+|output-dir|create-dirs|ftp-create-dirs|mail-\w+|trace|trace-ascii|stderr|hsts|alt-svc|etag-save|libcurl|ssl-sessions)\b/;
/** `-w '%output{file}…'` (curl 8.3+) writes the rest of the format to a file. */
const CURL_WRITE_OUT = /%output\{/;
const CURL_VALUED = 'AbcCdDeEFHKmoPQrtTuUwxXyYz';
const CURL_WRITING = 'cdDFKoOQTX';

/** The read-only verdict for `name args…` (a command, not a wrapper, builtin with code, shell or interpreter). */
export function readOnlyFinding(name: string, args: Word[], cmd: SimpleCommand, sql: ShellSql[]): ReadOnlyFinding {
  const acting = actingOption(name, args) ?? toolOption(name, args);
  if (acting) return acting.how === 'writes' ? { looks: `${name} ${acting.option}` } : { unknown: `'${name} ${acting.option}': runs a program or loads code the lint cannot see` };
  if (BUILTINS.has(name)) return builtinFinding(name, args);
  if (READS[name]) {
    if (WRITES_SECOND_FILE.has(name) && args.filter((w) => !w.text.startsWith('-')).length > 1) return { looks: `${name} writing a file` };
    return undefined;
  }
  if (name === 'hostname') return args.some((w) => !w.text.startsWith('-')) ? { looks: 'hostname NAME' } : undefined;
  if (name === 'service') return args.some((w) => w.text === 'status' || w.text === '--status-all') ? undefined : { looks: `service ${words(args)}` };
  if (name === 'ip') return ipFinding(args);
  if (name === 'curl') return curlFinding(args);
  if (name === 'sed') return sedFinding(args);
  if (name === 'awk' || name === 'gawk' || name === 'mawk') return awkFinding(name, args);
  if (name === 'psql') return sqlClient('postgres', name, args, cmd, sql);
  if (name === 'mysql' || name === 'mariadb') return sqlClient('mysql', name, args, cmd, sql);
  if (name === 'pg_ctlcluster') return args.some((w) => w.text === 'status') ? undefined : { looks: `pg_ctlcluster ${words(args)}` };
  if (READ_VERBS[name]) return verbFinding(name, args);
  if (name === 'aws' || name === 'gcloud' || name === 'az') return cloudFinding(name, args);
  return notKnown(name);
}

function toolOption(name: string, args: Word[]): { option: string; how: 'writes' | 'runs' } | undefined {
  const acting = TOOL_OPTIONS[name];
  const w = acting && args.find((a) => a.text.startsWith('-') && (acting.writes?.test(a.text) || acting.runs?.test(a.text)));
  return w ? { option: w.text, how: acting.writes?.test(w.text) ? 'writes' : 'runs' } : undefined;
}

/** Options before the verb that take a value as the next word (`kubectl -n prod get`). */
const VALUED_BEFORE_VERB: Record<string, RegExp> = {
  kubectl: /^(-n|--namespace|--context|--cluster|--kubeconfig|-s|--server|--user|--token)$/,
  docker: /^(-H|--host|-c|--context|--config|-l|--log-level)$/,
  podman: /^(-c|--connection|--url|--log-level)$/,
  systemctl: /^(-H|--host|-M|--machine|-t|--type|-p|--property|-n|--lines|-o|--output|--state)$/,
  helm: /^(-n|--namespace|--kube-context|--kubeconfig)$/,
  mysqladmin: /^(-u|-h|-P|-S|--user|--host|--port|--socket)$/,
  pg_ctl: /^(-D|--pgdata|-l|--log|-o|--options|-t|--timeout)$/,
};

/** The words after the options (and their values). */
function positionals(name: string, args: Word[]): Word[] {
  const valued = VALUED_BEFORE_VERB[name];
  const out: Word[] = [];
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    if (!t.startsWith('-')) out.push(args[k]!);
    else if (valued?.test(t)) k++;
  }
  return out;
}

function verbFinding(name: string, args: Word[]): ReadOnlyFinding {
  const positional = positionals(name, args);
  const verb = positional[0];
  if (!verb) return undefined; // `systemctl` alone lists units; `docker` alone prints help
  if (verb.dynamic || verb.pattern) return notKnown(`${name} ${shown(verb)}`);
  if (GROUP_VERBS.has(verb.text) && READ_SUBVERBS[`${name} ${verb.text}`]) {
    const sub = positional[1];
    if (!sub) return undefined;
    if (sub.dynamic || !READ_SUBVERBS[`${name} ${verb.text}`]!.test(sub.text)) return notKnown(`${name} ${verb.text} ${shown(sub)}`);
    return undefined;
  }
  // mysqladmin runs every command it is given (`mysqladmin status flush-hosts`).
  const verbs = name === 'mysqladmin' ? positional : [verb];
  const other = verbs.find((v) => v.dynamic || v.pattern || !READ_VERBS[name]!.test(v.text));
  return other ? notKnown(`${name} ${shown(other)}`) : undefined;
}

const CLOUD_WRITES = /^(create|delete|update|set|add|remove|deploy|start|stop|restart|reset|import|patch|put|purge|add-iam-policy-binding)$/;

/** `aws ssm get-parameter`, `gcloud secrets versions access`, `az keyvault secret show`: the operation's verb reads. */
function cloudFinding(name: string, args: Word[]): ReadOnlyFinding {
  const positional = args.filter((w) => !w.text.startsWith('-'));
  if (positional.some((w) => w.dynamic)) return notKnown(`${name} ${words(positional)}`);
  const reads = name === 'aws' ? /^(get|describe|list)-|^(ls|get-caller-identity)$/ : /^(describe|list|show|access|get|get-value)$/;
  // aws SERVICE OPERATION; gcloud/az GROUP… VERB VALUE…: the first word that is a verb decides.
  const verb = name === 'aws' ? positional[1] : positional.find((w) => reads.test(w.text) || CLOUD_WRITES.test(w.text));
  return verb && reads.test(verb.text) ? undefined : notKnown(`${name} ${words(positional)}`);
}

/** `ip [options] OBJECT [COMMAND …]`: only showing, listing and route look-ups read (no command means show). */
function ipFinding(args: Word[]): ReadOnlyFinding {
  if (args.some((w) => /^-{1,2}(b|batch)$/.test(w.text))) return { unknown: "'ip -batch': commands read from a file" };
  const [object, command] = args.filter((w) => !w.text.startsWith('-'));
  if (!command) return object?.dynamic ? notKnown(`ip ${shown(object)}`) : undefined;
  if (command.dynamic) return notKnown(`ip ${shown(object!)} ${shown(command)}`);
  return IP_READS.test(command.text) ? undefined : { looks: `ip ${shown(object!)} ${shown(command)}` };
}

function curlFinding(args: Word[]): ReadOnlyFinding {
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    if (t.startsWith('--')) {
      if (CURL_LONG.test(t)) return curlMethodOnly(t, args[k + 1]) ? undefined : { looks: `curl ${t}` };
      if (/^--write-out\b/.test(t) && CURL_WRITE_OUT.test(t.includes('=') ? t : args[k + 1]?.text ?? '')) return { looks: 'curl --write-out %output{…}' };
      continue;
    }
    if (!t.startsWith('-') || t === '-') continue;
    for (let c = 1; c < t.length; c++) {
      const letter = t[c]!;
      if (CURL_WRITING.includes(letter)) {
        const value = c + 1 < t.length ? t.slice(c + 1) : args[k + 1]?.text;
        if (letter === 'X' && /^(GET|HEAD)$/i.test(value ?? '')) break;
        return { looks: `curl -${letter}${value !== undefined ? ` ${value.replaceAll(DYNAMIC, '$…')}` : ''}` };
      }
      if (letter === 'w' && CURL_WRITE_OUT.test(c + 1 < t.length ? t.slice(c + 1) : args[k + 1]?.text ?? '')) return { looks: 'curl -w %output{…}' };
      if (CURL_VALUED.includes(letter)) { if (c + 1 === t.length) k++; break; }
    }
  }
  return undefined;
}

/** `--request GET` / `--request=HEAD`: a read. */
function curlMethodOnly(option: string, next: Word | undefined): boolean {
  if (!/^--request\b/.test(option)) return false;
  const value = option.includes('=') ? option.slice(option.indexOf('=') + 1) : next?.text;
  return /^(GET|HEAD)$/i.test(value ?? '');
}

/** `sed -i`, and the `w`/`W` (write a file) and `e` (run a command) commands of a sed script. */
function sedFinding(args: Word[]): ReadOnlyFinding {
  if (args.some((w) => /^-[a-zA-Z]*i|^--in-place/.test(w.text))) return { looks: 'sed -i' };
  const scripts: Word[] = [];
  for (let k = 0; k < args.length; k++) {
    const t = args[k]!.text;
    if (t === '-e' || t === '--expression') { if (args[k + 1]) scripts.push(args[++k]!); continue; }
    if (t === '-f' || t === '--file') return { unknown: "'sed -f': a sed script the lint cannot see" };
    if (!t.startsWith('-') && !scripts.length) scripts.push(args[k]!);
  }
  for (const s of scripts) {
    if (s.dynamic) return { unknown: `'sed ${shown(s)}': a sed script built from a value` };
    // Drop the regular expressions and replacements, which may hold any letter; what is left are commands.
    const commands = s.text.replace(/s(.)(?:\\.|(?!\1)[^\\])*\1(?:\\.|(?!\1)[^\\])*\1/g, 's').replace(/\/(?:\\.|[^\\/])*\//g, '');
    if (/[wWe]/.test(commands)) return { unknown: `'sed ${shown(s)}': a sed script that may write a file (w) or run a command (e)` };
  }
  return undefined;
}

/** awk's `system()`, its pipes — the only ways it runs a command: `cmd | getline`, `print … | cmd`, `cmd |& …` —
 *  `print > file`, and programs or extensions loaded from files (`-f`, `-i`, `-l`, `@include`, `@load`). */
function awkFinding(name: string, args: Word[]): ReadOnlyFinding {
  if (args.some((w) => /system\s*\(|\|\s*getline|\|&|\bprintf?\b[^;{}]*\||"\s*\|/.test(w.text))) return { looks: `${name} system() or a pipe to a command` };
  if (args.some((w) => /\bprintf?\b[^;{}]*>/.test(w.text))) return { looks: `${name} print > file` };
  if (args.some((w) => /^(-[filE]|--(file|include|load|exec))/.test(w.text) || /@(load|include)\b/.test(w.text))) return { unknown: `'${name} ${args.find((w) => /^-|@(load|include)/.test(w.text))?.text.slice(0, 20)}': an awk program or extension the lint cannot see` };
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
    if (w.dynamic || w.text.includes(HOLE) || w.text.includes(DYNAMIC)) return { unknown: `'${name}' with SQL built from a value` };
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

const shown = (w: Pick<Word, 'text'>) => w.text.replaceAll(DYNAMIC, '$…').replaceAll(HOLE, '${{ }}').replace(/\s+/g, ' ').trim().slice(0, 40);
const words = (ws: Word[]) => ws.map(shown).join(' ').slice(0, 40);
