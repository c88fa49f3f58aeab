// The commands a step that is not destructive may run, each reviewed for the options with which it still acts:
// that write a file (`sort -o`, `ss -D`, `file -C`), change the system (`date -s`, `ss -K` kills sockets), or
// run something the lint cannot see (`rg --pre CMD`, `sort --compress-program`, `hash -p`). A command is here
// only with that review done: NONE says "no option writes or runs anything" (checked against its manual), so a
// command added without thinking about its options cannot slip in. Commands with richer grammars (curl, sed,
// awk, psql, mysql, ssh, openssl, systemctl, …) are read by their own functions in shell-read-only.ts.

/** Why a command is not read-only: it acts (`looks`: what), or the lint cannot tell (`unknown`: why, a phrase);
 *  undefined: it only reads. */
export type ReadOnlyFinding = { looks: string } | { unknown: string } | undefined;

/** Options (long form, or `-x` short letters inside a cluster) with which a read command acts. */
export interface Acting { writes?: RegExp; runs?: RegExp }
const NONE: Acting = {};

/** Shell builtins: they run in bash itself, which may evaluate their arguments (builtin-args.ts). */
export const BUILTINS = new Set(['echo', 'printf', 'true', 'false', ':', 'test', '[', '[[', 'exit', 'return', 'break', 'continue',
  'cd', 'pwd', 'read', 'set', 'shopt', 'unset', 'shift', 'wait', 'type', 'getopts', 'ulimit', 'umask', 'hash']);

export const READS: Record<string, Acting> = {
  // shell builtins that only steer the script (their arguments: builtin-args.ts). `let` is not here: it
  // evaluates arithmetic, where bash runs code in a value (`let 'x[$(cmd)]=1'`).
  echo: NONE, printf: NONE, true: NONE, false: NONE, ':': NONE, test: NONE, '[': NONE, '[[': NONE, exit: NONE,
  return: NONE, break: NONE, continue: NONE, cd: NONE, pwd: NONE, read: NONE, set: NONE, shopt: NONE, unset: NONE,
  shift: NONE, wait: NONE, type: NONE, getopts: NONE, ulimit: NONE, umask: NONE, sleep: NONE,
  hash: { runs: /^-[a-zA-Z]*p/ },                                 // hash -p PATH NAME: NAME then runs PATH
  // text
  cat: NONE, head: NONE, tail: NONE, grep: NONE, egrep: NONE, fgrep: NONE, zgrep: NONE, cut: NONE, tr: NONE, wc: NONE,
  nl: NONE, column: NONE, paste: NONE, join: NONE, comm: NONE, fold: NONE, rev: NONE, tac: NONE, strings: NONE,
  expand: NONE, unexpand: NONE, fmt: NONE, diff: NONE, cmp: NONE, base64: NONE, od: NONE, hexdump: NONE,
  md5sum: NONE, sha1sum: NONE, sha256sum: NONE, sha512sum: NONE, jq: NONE, seq: NONE, expr: NONE, zcat: NONE,
  yes: NONE,
  rg: { runs: /^--(pre|hostname-bin)\b/ },                        // a preprocessor / a program it runs
  sort: { writes: /^(-[a-zA-Z]*o|--output)/, runs: /^--compress-program/ },
  uniq: NONE, xxd: NONE,                                          // their second file argument: WRITES_SECOND_FILE
  // files and the system
  ls: NONE, stat: NONE, df: NONE, du: NONE, realpath: NONE, readlink: NONE, basename: NONE, dirname: NONE, which: NONE,
  whereis: NONE, mountpoint: NONE, findmnt: NONE, lsblk: NONE, uptime: NONE, uname: NONE, id: NONE, whoami: NONE,
  groups: NONE, who: NONE, w: NONE, printenv: NONE, free: NONE, vmstat: NONE, iostat: NONE, mpstat: NONE, nproc: NONE,
  getconf: NONE, lscpu: NONE, ps: NONE, pgrep: NONE, pidof: NONE, top: NONE, lsof: NONE, getent: NONE, locale: NONE,
  tty: NONE,
  file: { writes: /^(-[a-zA-Z]*C|--compile)/ },                  // -C compiles magic into ./magic.mgc
  date: { writes: /^(-(?!I)[a-zA-Z]*s|--set)/ },                 // -s TIME sets the clock; -Is is an output format
  journalctl: { writes: /^--(vacuum-\w+|rotate|flush|sync|relinquish-var|smart-relinquish-var|setup-keys|update-catalog|cursor-file)/ },
  // network
  ss: { writes: /^(-[a-zA-Z]*[KD]|--kill|--diag)/ },              // -K closes the sockets listed; -D dumps to a file
  netstat: NONE, ping: NONE, ping6: NONE, host: NONE, dig: NONE, nslookup: NONE, traceroute: NONE, tracepath: NONE,
  // databases
  pg_isready: NONE, pg_lsclusters: NONE, pg_controldata: NONE, pg_config: NONE,
};

/** Commands that write their second file argument (`uniq in out`, `xxd in out`). */
export const WRITES_SECOND_FILE = new Set(['uniq', 'xxd']);

/** The option of `args` with which `name` acts, and how; undefined when none. */
export function actingOption(name: string, args: { text: string }[]): { option: string; how: 'writes' | 'runs' } | undefined {
  const acting = READS[name];
  if (!acting) return undefined;
  for (const w of args) {
    if (!w.text.startsWith('-')) continue;
    if (acting.writes?.test(w.text)) return { option: w.text, how: 'writes' };
    if (acting.runs?.test(w.text)) return { option: w.text, how: 'runs' };
  }
  return undefined;
}

/** Commands that read whatever arguments they are given (`xargs CMD` adds arguments from its input): no
 *  option acts, and bash does not evaluate them. */
export const readsAnyArguments = (name: string): boolean =>
  READS[name] === NONE && !BUILTINS.has(name) && !WRITES_SECOND_FILE.has(name);
