// What a proven read may read that a step given a secret could have changed (engine/written-secrets.ts). A probe of
// stop 81 had a destructive step given a PIN write `rev`, `base64` and `fold -w1` of it to files, and a later
// `sort F` (a proven read, given nothing) print the PIN's digits one a line, real and dry: no masker knows a
// transformed secret. So once such a step ran, a read is shown only when everything it reads is a file the engine
// can name (its words, `<` inputs, the trees it walks, the files it opens by itself: kept-files.ts) and none of them
// changed since that step began (the kernel's change time, which no account sets back), and each program is one
// that reads nothing but those files, its own binary unchanged too. A program that reads the system's state
// (ps, ss, journalctl's index, hostname) or one the engine cannot name is given the secret: an allowlist.
import { lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { Plan } from '../language/shell-plan.js';
import { parseOptions } from '../language/validate/read-options.js';
import { WRAPPERS, assignments } from '../language/validate/shell-wrappers.js';
import type { Word } from '../language/shell-words.js';
import { IMPLICIT, type Arg, type Implicit } from './implicit-files.js';
import { argvOf, candidates, directories, implicitWalks, opened, paths, shownPath as shown, unbounded, walks } from './kept-files.js';

/** Entries a walk may look at before the read counts as one the engine does not bound. */
const WALK_LIMIT = 20_000;
/** The kernel stamps change times with a coarse clock (a tick behind the engine's): a change this close before the
 *  step began counts as after it (more withheld, never less). */
const SLACK_MS = 1000;

/** Programs that read nothing but the files their words name (and their input), each reviewed: what they print
 *  comes from those files, their names and metadata, or their own words. Not here: anything that reads processes,
 *  sockets, the journal's index, the clock or the host's names. bash's builtins read no file. */
const FILE_READERS = new Set([
  'cat', 'head', 'tail', 'sort', 'od', 'base64', 'base32', 'basenc', 'xxd', 'rev', 'tr', 'grep', 'egrep', 'fgrep', 'rg', 'sed', 'awk',
  'gawk', 'mawk', 'nawk', 'jq', 'nl', 'tac', 'cut', 'diff', 'cmp', 'comm', 'join', 'strings', 'hexdump', 'fold', 'fmt', 'paste', 'uniq',
  'zcat', 'wc', 'md5sum', 'sha1sum', 'sha224sum', 'sha256sum', 'sha384sum', 'sha512sum', 'b2sum', 'cksum', 'stat', 'ls', 'find', 'file',
  'basename', 'dirname', 'realpath', 'readlink', 'column', 'expand', 'unexpand', 'tsort', 'numfmt', 'seq', 'yes', 'true', 'false',
]);
const BUILTINS = new Set(['echo', 'printf', 'test', '[', 'true', 'false', ':', 'cd', 'pwd']);

/** Why the plan's reading may show what changed since `sinceMs` (said for the record), or [] when it may not. */
export function changedFilesRead(plan: Plan, values: readonly string[], sinceMs: number, cwd?: string, pathVar = process.env.PATH ?? '',
  implicit: Implicit = IMPLICIT, home = process.env.HOME): string[] {
  const since = sinceMs - SLACK_MS;
  const commands = plan.pipelines.flatMap((p) => p.commands).map((c) => argvOf(c, values));
  const dirs = directories(commands, resolve(cwd ?? '.'));
  const found = new Set<string>();
  for (const c of commands) {
    const program = programOf(c.words);
    if (program === undefined || !(FILE_READERS.has(program) || BUILTINS.has(program))) {
      found.add(`${program === undefined ? 'a program the engine cannot name' : `${shown(program)}, which reads more than the files it names`}`);
    } else if (!BUILTINS.has(program)) {
      const binary = onPath(program, pathVar);
      if (binary === undefined || changed(stat(binary), since)) found.add(`the program ${shown(program)} (${binary ? shown(binary) : 'not found on PATH'})`);
    }
    // Every word may name a file, and a directory's entries are read by name and metadata (ls -l, stat).
    for (const a of [...c.words, ...c.inputs]) {
      for (const text of candidates(a.text)) for (const path of opened(text, dirs)) for (const why of changedAt(path, since)) found.add(phrase(a, why));
    }
    for (const why of unbounded(c.words)) found.add(why);
    for (const walk of [...walks(c.words), ...implicitWalks(c.words, implicit, home)]) for (const why of walked(walk, dirs, since)) found.add(why);
  }
  return [...found].slice(0, 8);
}

/** The program a command runs, its wrappers (timeout, nice, env …) read as the lint reads them; undefined when
 *  the engine cannot say. */
function programOf(words: Arg[]): string | undefined {
  let rest: Word[] = words.map((a) => ({ text: a.text, dynamic: a.valued, pattern: false, quoted: true }));
  for (let depth = 0; depth < 8; depth++) {
    const first = rest[0];
    if (!first || first.dynamic) return undefined;
    const name = first.text.slice(first.text.lastIndexOf('/') + 1);
    const spec = WRAPPERS[name];
    if (!spec) return first.text.includes('/') ? undefined : name; // a path names no reviewed program's binary
    const p = parseOptions(name, rest.slice(1), spec.options);
    if ('finding' in p) return undefined;
    rest = p.operands;
    if (name === 'env') rest = rest.slice(assignments(rest));
    rest = rest.slice(spec.operands ?? 0);
    if (!rest.length) return name;
  }
  return undefined;
}

function onPath(program: string, pathVar: string): string | undefined {
  for (const dir of pathVar.split(delimiter)) {
    if (!dir.startsWith('/')) return undefined; // a relative PATH entry: the step's directory decides
    const s = stat(join(dir, program));
    if (s?.isFile() && s.mode & 0o111) return join(dir, program);
  }
  return undefined;
}

/** What at `path` changed since: the name itself (a link), what it leads to, and a directory's entries. */
function changedAt(path: string, since: number): string[] {
  const out: string[] = [];
  const own = lstat(path);
  const s = stat(path);
  if (changed(own, since) || changed(s, since)) out.push(path);
  if (s?.isDirectory()) {
    let names: string[] = [];
    try { names = readdirSync(path); } catch { /* not listed here: ls cannot either */ }
    if (names.length > WALK_LIMIT) return [`${path}: more than ${WALK_LIMIT} entries`];
    for (const n of names) if (changed(lstat(join(path, n)), since) || changed(stat(join(path, n)), since)) out.push(join(path, n));
  }
  return out.slice(0, 3);
}

/** What a walk of `roots` visits that changed since, or that it cannot be bounded. */
function walked(walk: { by: string; roots: string[] }, dirs: ReadonlySet<string>, since: number): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  let visited = 0;
  const visit = (path: string): boolean => {
    if (++visited > WALK_LIMIT) return false;
    const s = stat(path);
    if (changed(lstat(path), since) || changed(s, since)) found.push(`a file changed since (${shown(path)}, walked by ${walk.by})`);
    if (!s?.isDirectory()) return true;
    const id = `${s.dev}:${s.ino}`;
    if (seen.has(id)) return true;
    seen.add(id);
    let names: string[];
    try { names = readdirSync(path); } catch { return true; }
    return names.every((n) => visit(join(path, n)));
  };
  for (const root of walk.roots) {
    for (const path of paths(root, dirs)) if (!visit(path)) return [`a walk by ${walk.by} of more than ${WALK_LIMIT} entries, which the engine does not bound`];
  }
  return found.slice(0, 5);
}

const changed = (s: Stats | undefined, since: number): boolean => s !== undefined && s.ctimeMs >= since;
const phrase = (a: Arg, path: string): string => `a file changed since (${a.valued ? 'named with a ${{ }} value' : shown(path)})`;

function stat(path: string): Stats | undefined {
  try { return statSync(path, { throwIfNoEntry: false }); } catch { return undefined; }
}
function lstat(path: string): Stats | undefined {
  try { return lstatSync(path, { throwIfNoEntry: false }); } catch { return undefined; }
}
