// Files the system keeps from others, read by a proven read. A probe of stop 78 had `head -c 12 /etc/shadow | rev`
// (validate clean, a proven read) print root's shadow line as root, real and dry; so would ~/.pgpass, a kubeconfig,
// a private key or an application's 0600 file. The system already marks such files: by their mode (no read bit for
// "others"). So a proven read is shown only when every file it can read another account could open (path-reach.ts:
// the directories on the way too, and no name another account may swap meanwhile); one that opens any other is a
// step given a secret (secrets/step-taint.ts), its record naming the file, never its content.
// Decided from the engine's own reading (the plan's argv with its values written in, as it is spawned): every word
// and every tail of an option word (`-f/etc/shadow`, `--file=…`) that names a file, `<` redirections, and the trees
// a recursive program walks. Where the reading cannot be bounded (names from the data: xargs, `file -f`; an awk or
// jq program that picks its own files; a walk too large), the step is given a secret rather than shown.
import { readdirSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { literalOf, type Plan, type PlanCommand, type PlanWord } from '../language/shell-plan.js';
import { parseOptions, type Options } from '../language/validate/read-options.js';
import { READS } from '../language/validate/read-commands.js';
import type { Word } from '../language/shell-words.js';
import { IMPLICIT, type Arg, type Implicit } from './implicit-files.js';
import { absentIn, FILE_MODE, keptFromOthers } from './path-reach.js';

/** Entries a walk may visit before its reading counts as unbounded. */
const WALK_LIMIT = 20_000;
/** Rounds of following directory changes (`cd a; cd b`, `env -C a`) relative to one another. */
const CD_ROUNDS = 3;


/** Why each file or reading kept from others is read by the plan (said for the record), or [] when every file
 *  it can read is readable by others. `cwd`: the step's directory (the engine's own when undefined); `home`: the
 *  HOME the read is given (proven-env.ts keeps the operator's). */
export function keptFilesRead(plan: Plan, values: readonly string[], cwd?: string, implicit: Implicit = IMPLICIT, home = process.env.HOME): string[] {
  const commands = plan.pipelines.flatMap((p) => p.commands).map((c) => argvOf(c, values));
  const dirs = directories(commands, resolve(cwd ?? '.'));
  const found = new Set<string>();
  for (const c of commands) {
    for (const a of [...(namesOnly(c.words) ? [] : c.words), ...c.inputs]) {
      for (const text of candidates(a.text)) {
        for (const path of opened(text, dirs)) {
          const why = keptFromOthers(path);
          if (why) found.add(keptPhrase(a, path, why));
        }
      }
    }
    for (const why of unbounded(c.words)) found.add(why);
    for (const walk of [...walks(c.words), ...implicitWalks(c.words, implicit, home)]) for (const why of walked(walk, dirs)) found.add(why);
  }
  return [...found];
}

export interface Argv { words: Arg[]; inputs: Arg[] }

/** Programs that read none of their operands' contents: they print names and metadata (a walk by ls -R is read
 *  below). Only as the command itself: behind a wrapper every word counts. df prints the usage of the file system
 *  an operand is on (it opens the operand, to mount an automount point, and reads nothing of it): counting its
 *  operand as a read withheld `df "$data_dir"` wherever the data directory's parent is the postgres account's
 *  (a name that account may swap) or the directory is absent (stop 81: the tutorial's pg-disk-full could not
 *  route on its own first step). */
const NAMES_ONLY = new Set(['stat', 'ls', 'realpath', 'readlink', 'basename', 'dirname', 'test', '[', 'df']);
const namesOnly = (words: Arg[]): boolean => words[0] !== undefined && !words[0].valued && NAMES_ONLY.has(words[0].text);

export function argvOf(c: PlanCommand, values: readonly string[]): Argv {
  const arg = (w: PlanWord): Arg => ({ text: w.parts.map((p) => (typeof p === 'string' ? p : values[p.value - 1] ?? '')).join(''), valued: literalOf(w) === undefined });
  return { words: c.words.map(arg), inputs: c.redirects.flatMap((r) => (r.op === '<' ? [arg(r.target)] : [])) };
}

/** Every text in a word a program may open: the word, and for an option word each tail after its dash (a value
 *  glued to a short option, `-nf/etc/shadow`, in any cluster) and after its `=`. */
export function candidates(text: string): string[] {
  if (text === '' || text.length > 4096) return text === '' ? [] : [text];
  const out = new Set([text]);
  if (text.startsWith('-')) for (let i = 1; i < text.length; i++) out.add(text.slice(i));
  const eq = text.indexOf('=');
  if (eq >= 0) out.add(text.slice(eq + 1));
  return [...out].filter((t) => t !== '' && !t.includes('\0'));
}

/** The places `text` may name: itself when absolute, else under each directory the step may be in. Joined as
 *  text, not normalized: the kernel reads `lnk/..` as the parent of where the link leads (path-reach.ts). */
export const paths = (text: string, dirs: ReadonlySet<string>): string[] => (isAbsolute(text) ? [text] : [...dirs].map((d) => `${d.replace(/\/$/, '')}/${text}`));

/** The places a program may open for `text`: those it names, and its base name in each directory the step may be
 *  in or names. `diff DIR SUB/FILE` compares DIR/FILE (a directory with the file of the other operand's name): a
 *  probe of stop 81 had `diff /etc x/shadow` print /etc/shadow, which neither word names. */
export function opened(text: string, dirs: ReadonlySet<string>): string[] {
  const base = basename(text);
  return base && base !== text && base !== '..' ? [...paths(text, dirs), ...paths(base, dirs)] : paths(text, dirs);
}

/** The directories the step may be in: its own, and every directory a word names (`cd DIR`, `env -C DIR`,
 *  `sudo -D DIR`), relative ones to each of those in turn: more than a program's reading, never less. */
export function directories(commands: Argv[], cwd: string): Set<string> {
  const dirs = new Set([cwd]);
  for (let round = 0; round < CD_ROUNDS; round++) {
    const before = dirs.size;
    for (const c of commands) {
      for (const a of c.words) for (const text of candidates(a.text)) for (const p of paths(text, dirs)) if (stat(p)?.isDirectory()) dirs.add(resolve(p));
    }
    if (dirs.size === before) break;
  }
  return dirs;
}

function stat(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false }); // follows links: a link's target is what is read
  } catch {
    return undefined; // too long, not a directory on the way, not to be searched: nothing opens it there either
  }
}

/** A file (not a directory: its names are not its files' contents) without the read bit for others, or in a
 *  directory others may not search. */
const kept = (s: Stats | undefined, open: boolean): boolean => s !== undefined && !s.isDirectory() && (!open || (s.mode & 0o004) === 0);

/** Said for the record: the file, and why when it is not the file's own mode (a directory on its way, a name
 *  another account may change); a file named with a value is not spelled out. */
const keptPhrase = (a: Arg, path: string, why: string): string =>
  `a file others may not read (${a.valued ? 'named with a ${{ }} value' : why === FILE_MODE ? shownPath(path) : `${shownPath(path)}: ${shownPath(why)}`})`;

/** A path as the record and the screen may say it: printable ASCII only (a name may hold terminal controls). */
export const shownPath = (path: string): string => path.replace(/[^\x20-\x7e]/g, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).slice(0, 200);

/** The program each word may be (wrappers are words before it), with the words after it. */
export function programs(words: Arg[]): { name: string; args: Arg[] }[] {
  return words.flatMap((w, i) => {
    const name = w.valued ? '' : w.text.slice(w.text.lastIndexOf('/') + 1);
    return name ? [{ name, args: words.slice(i + 1) }] : [];
  });
}

const asWords = (args: Arg[]): Word[] => args.map((a) => ({ text: a.text, dynamic: false, pattern: false, quoted: true }));
const parsed = (name: string, args: Arg[], spec: Options | undefined) => {
  const p = spec ? parseOptions(name, asWords(args), spec) : undefined;
  return p && !('finding' in p) ? p : undefined;
};
const hasOption = (p: NonNullable<ReturnType<typeof parsed>>, names: string[]) => p.options.some((o) => names.includes(o.name));

/** Programs whose files come from somewhere the argv does not say: the data, or a program of their own. */
export function unbounded(words: Arg[]): string[] {
  return programs(words).flatMap(({ name, args }) => {
    if (name === 'xargs') return ['files xargs names from its input, which the engine does not see'];
    if (name === 'file' && args.some((a) => /^-[^-]*f|^--files-from/.test(a.text))) return ['files `file -f` names from a list, which the engine does not see'];
    // A checksum list names the files `md5sum -c` opens (and says whether each matches: a bit of a kept file's).
    if (/^(md5|sha1|sha256|sha512)sum$/.test(name) && args.some((a) => /^-[^-]*c|^--check$/.test(a.text))) return [`files \`${name} -c\` names from a list, which the engine does not see`];
    // awk opens what its program names (getline < f) or puts in ARGV (SYMTAB reaches it by a computed name).
    if (/^[gmn]?awk$/.test(name) && args.some((a) => /\b(getline|ARGV|ARGC|SYMTAB)\b/.test(a.text))) return [`files an ${name} program opens by itself (getline, ARGV)`];
    // jq loads modules (import, include) from its search path, by names its program gives.
    if (name === 'jq' && args.some((a) => /\b(import|include|modulemeta)\b/.test(a.text))) return ['files a jq program loads as modules'];
    // A program read from a file (-f) is one the engine does not read: its `import "k" as $k;` printed a 0600 k.json
    // (a probe of stop 80).
    if (name === 'jq') {
      const p = parsed(name, args, READS.jq);
      if (!p || hasOption(p, ['f', 'from-file'])) return ['files a jq program from a file loads as modules'];
    }
    // ps's BSD `e` prints each process's environment (/proc/PID/environ, kept from others).
    if (name === 'ps') {
      const p = parsed(name, args, READS.ps);
      if (!p || p.operands.some((w) => /^[A-Za-z]*e/.test(w.text)) || (args.some((a, i) => readAsBsd(a.text, i + 1 < args.length)) && args.some((a) => a.text.includes('e')))) {
        return ["other processes' environments (/proc/PID/environ), by ps e"];
      }
    }
    return [];
  });
}

/** ps letters procps' UNIX parser takes as flags (x is not one), and those that take the next word as a value. */
const PS_UNIX_FLAGS = 'AaCcdeFfHjLlMNnqrSTVvwXyZ';
const PS_UNIX_VALUED = 'GgOopstUu';
/** Whether procps may read a `-` word as BSD letters: it re-reads one its UNIX parser rejects that way, and then an
 *  `e` in any word prints every process's environment (a probe of stop 81: `ps -ex`, `ps -eaux`, `ps -e -x`, `ps
 *  -Set`). Only a cluster of its UNIX flags, maybe ending in a letter whose value is the next word, is proven read as
 *  UNIX options. */
function readAsBsd(word: string, valueFollows: boolean): boolean {
  if (!word.startsWith('-') || word.startsWith('--')) return false;
  const letters = word.slice(1);
  return ![...letters].every((c, i) => PS_UNIX_FLAGS.includes(c) || (i === letters.length - 1 && valueFollows && PS_UNIX_VALUED.includes(c)));
}

/** The directories each recursive program walks: grep -r, rg, find, ls -R, diff; the working directory
 *  where it walks that by default. An options parse the engine cannot follow walks there too. */
export function walks(words: Arg[]): { by: string; roots: string[] }[] {
  return programs(words).flatMap(({ name, args }): { by: string; roots: string[] }[] => {
    if (name === 'find') {
      const k = args.findIndex((a) => /^[-(!]/.test(a.text) && !/^-[HLP]$/.test(a.text));
      const roots = args.slice(0, k < 0 ? args.length : k).filter((a) => !/^-[HLPDO]/.test(a.text)).map((a) => a.text);
      return [{ by: 'find', roots: roots.length ? roots : ['.'] }];
    }
    const spec = READS[name];
    if (!['grep', 'egrep', 'fgrep', 'rg', 'ls', 'diff'].includes(name) || !spec) return [];
    const p = parsed(name, args, spec);
    if (!p) return [{ by: name, roots: ['.', ...args.map((a) => a.text)] }];
    // diff compares two directories' files of the same names without -r too (a probe of stop 81: `diff x D` read D/K).
    const recursive = name === 'rg' || name === 'diff' || hasOption(p, ['r', 'R', 'recursive', 'dereference-recursive'])
      || p.options.some((o) => (o.name === 'd' || o.name === 'directories') && o.value?.text === 'recurse');
    if (!recursive) return [];
    const patternGiven = name === 'ls' || name === 'diff' || hasOption(p, ['e', 'f', 'regexp', 'file', 'files']);
    // diff compares a directory named by --from-file or --to-file with each operand, walking both.
    const compared = p.options.filter((o) => o.name === 'from-file' || o.name === 'to-file').flatMap((o) => (o.value ? [o.value.text] : []));
    const roots = [...p.operands.slice(patternGiven ? 0 : 1).map((w) => w.text), ...compared];
    return [{ by: name, roots: roots.length || name === 'diff' ? roots : ['.'] }];
  });
}

export function implicitWalks(words: Arg[], implicit: Implicit, home: string | undefined): { by: string; roots: string[] }[] {
  return programs(words).flatMap(({ name, args }) => {
    const read = Object.hasOwn(implicit, name) ? implicit[name]!(args, home) : [];
    return read.length ? [{ by: name, roots: read }] : [];
  });
}

/** What a walk of `roots` reads that others may not, or that it cannot be bounded. */
function walked(walk: { by: string; roots: string[] }, dirs: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  let visited = 0;
  const found: string[] = [];
  // `open`: others may reach this entry (every directory above it searchable by them).
  const visit = (path: string, open: boolean): boolean => {
    if (++visited > WALK_LIMIT) return false;
    const s = stat(path);
    if (!s) return true;
    if (kept(s, open)) found.push(`a file others may not read (${shownPath(path)}, walked by ${walk.by})`);
    if (!s.isDirectory()) return true;
    // Another account may add a name here, or swap one for a link to a kept file, between prepare and the walk.
    const made = absentIn(s, 'a name');
    if (made) found.push(`a file others may not read (in ${shownPath(path)}, ${made}, walked by ${walk.by})`);
    const id = `${s.dev}:${s.ino}`;
    if (seen.has(id)) return true;
    seen.add(id);
    let names: string[];
    try { names = readdirSync(path); } catch { return true; }
    return names.every((n) => visit(join(path, n), open && (s.mode & 0o001) !== 0));
  };
  for (const root of walk.roots) {
    for (const path of paths(root, dirs)) {
      // The root's own way there: a directory above it others may not search, or a name another may change.
      const why = keptFromOthers(path);
      if (why && why !== FILE_MODE) found.push(`a file others may not read (${shownPath(path)}: ${shownPath(why)}, walked by ${walk.by})`);
      if (!visit(path, !why || why === FILE_MODE)) return [`a walk by ${walk.by} of more than ${WALK_LIMIT} entries, which the engine does not bound`];
      if (walk.by === 'rg') found.push(...ignoredAbove(path));
    }
  }
  return found.slice(0, 5);
}

/** Ignore files rg reads in every directory above a root it walks, up to '/' (strace; those in the tree are walked):
 *  their patterns choose the files it prints, so one others may not read is read like a file the walk opens. */
const IGNORE_FILES = ['.rgignore', '.ignore', '.gitignore'];
function ignoredAbove(root: string): string[] {
  const found: string[] = [];
  for (let dir = dirname(resolve(root)); ; dir = dirname(dir)) {
    for (const name of IGNORE_FILES) {
      const path = join(dir, name);
      const why = stat(path) ? keptFromOthers(path) : undefined; // absent: another account's file chooses, never a secret
      if (why) found.push(`a file others may not read (${shownPath(path)}${why === FILE_MODE ? '' : `: ${shownPath(why)}`}, an ignore file rg reads above ${shownPath(root)})`);
    }
    if (dir === '/') return found;
  }
}
