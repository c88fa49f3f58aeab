// The files a client configuration file includes, which the client reads as if written in it: psql's `\i` in a
// startup file, the MySQL/MariaDB option files' `!include`/`!includedir`, ssh's `Include`. A probe left ~/.psqlrc
// as it was and edited the file it `\i`ncluded to `\c` another server; the resumed INSERT landed there. Each
// included file is recorded as a client file of its own, recursively. What the engine cannot resolve (a psqlrc
// line that runs a command, or takes its target from a variable) is recorded as uncompared: a resume refuses it,
// never takes it for unchanged. Paths here are in glob syntax (a literal one escaped, see escapeGlob); the
// reading is given (client-files.ts), so this file is pure.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ClientFile } from '../transcript/run-place.js';

export type Format = 'psqlrc' | 'mycnf' | 'ssh';

/** A file (or glob) a client reads, and what resolves the relative paths written in it. */
export interface Source {
  path: string;
  format?: Format;
  /** psql's `\i` and MySQL's `!include` open a relative path from the client's working directory. */
  cwd: string;
  home: string;
  /** ssh: a relative Include is under ~/.ssh in the user's config (and what it includes), /etc/ssh in the system's. */
  sshDir?: string;
}

/** An include: a file or glob, or why it cannot be compared. */
export type Include = { path: string } | { uncompared: string };

/** A recorded content that is no hash: the reason follows; client-files.ts refuses such an entry on resume. */
export const UNCOMPARED = 'cannot compare: ';
export const MAX_DEPTH = 10;
export const MAX_INCLUDED = 200;

// ---- glob syntax: ssh's Include and a directory's files are globs; a literal path is escaped to be one too ----

export const escapeGlob = (s: string) => s.replace(/[\\*?[]/g, '\\$&');
export const unescapeGlob = (s: string) => s.replace(/\\(.)/gs, '$1');

/** Whether a path (or segment) has a wildcard that is not escaped. */
export function isPattern(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '*' || s[i] === '?' || s[i] === '[') return true;
  }
  return false;
}

const reEscape = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** One segment as a regular expression's source: `*`, `?`, `[…]` (`[!…]`) as glob(3), never across a `/`. */
export function segmentSource(seg: string): string {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    const end = c === '[' ? seg.indexOf(']', i + 2) : -1;
    if (c === '\\' && i + 1 < seg.length) re += reEscape(seg[++i]!);
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (end > 0) {
      const body = seg.slice(i + 1, end);
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`.replace(/\\/g, '\\\\');
      i = end;
    } else re += reEscape(c);
  }
  return re;
}

/** Whether a recorded literal path is one a pattern matches. */
export function patternMatches(pattern: string, path: string): boolean {
  return new RegExp(`^${pattern.split('/').map(segmentSource).join('/')}$`, 's').test(unescapeGlob(path));
}

// ---- psql's startup files ----

interface Arg { text: string; command?: boolean; variable?: string }
interface Meta { name: string; args: Arg[]; rest: string }

const PSQL_INCLUDE = new Set(['i', 'include', 'ir', 'include_relative']);
const PSQL_CONNECT = new Set(['c', 'connect']);
/** Meta-commands whose `|command` argument runs a command. */
const PSQL_PIPED = new Set(['o', 'out', 'g', 'gx', 'w', 'write']);
const VARIABLE = /^:(?:[A-Za-z0-9_]+|'[A-Za-z0-9_]+'|"[A-Za-z0-9_]+"|\{\?[A-Za-z0-9_]+\})/;

/** A single-quoted argument: `''` is a quote, a backslash quotes the next character (C-like escapes kept simple). */
function singleQuoted(line: string, at: number): { text: string; end: number } {
  let text = '';
  let i = at + 1;
  for (; i < line.length && !(line[i] === "'" && line[i + 1] !== "'"); i++) {
    if (line[i] === "'") text += line[++i];
    else if (line[i] === '\\' && i + 1 < line.length) text += ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[line[++i]!] ?? line[i];
    else text += line[i];
  }
  return { text, end: i + 1 };
}

/** A meta-command's arguments, as psql splits them, up to the next unquoted backslash (the next meta-command). */
function slashArgs(line: string, start: number): { args: Arg[]; end: number } {
  const args: Arg[] = [];
  let cur: Arg | undefined;
  const add = (text: string, flags: Partial<Arg> = {}) => { cur = { ...(cur ?? { text: '' }), ...flags, text: (cur?.text ?? '') + text }; };
  let i = start;
  while (i < line.length) {
    const c = line[i]!;
    const v = c === ':' ? VARIABLE.exec(line.slice(i))?.[0] : undefined;
    const close = c === '"' || c === '`' ? line.indexOf(c, i + 1) : -1;
    const to = close < 0 ? line.length : close + 1;
    if (/\s/.test(c)) { if (cur) args.push(cur); cur = undefined; i++; }
    else if (c === '\\' && line[i + 1] === ':') { add(':'); i += 2; } // an escaped colon is no variable
    else if (c === '\\') break;
    else if (c === "'") { const q = singleQuoted(line, i); add(q.text); i = q.end; }
    else if (c === '"') { add(line.slice(i, to)); i = to; } // kept with its quotes, as psql does for a file name
    else if (c === '`') { add('`…`', { command: true }); i = to; }
    else if (v) { add(v, { variable: v }); i += v.length; }
    else { add(c); i++; }
  }
  if (cur) args.push(cur);
  return { args, end: i };
}

/** The meta-commands on a line. SQL quoting is not tracked: a backslash inside an SQL string is read as a
 *  meta-command too, which can only make a resume refuse (or record a file more), never miss one. */
function metaCommands(line: string): Meta[] {
  if (/^\s*--/.test(line)) return [];
  const out: Meta[] = [];
  for (let i = line.indexOf('\\'); i >= 0;) {
    const name = /^(?:[A-Za-z_][A-Za-z0-9_]*|!)/.exec(line.slice(i + 1))?.[0];
    if (line[i + 1] === '\\' || !name) { i = line.indexOf('\\', i + 2); continue; } // `\\`: SQL follows
    const start = i + 1 + name.length;
    if (name === '!' || name === 'copy') { out.push({ name, args: [], rest: line.slice(start) }); break; } // they take the rest of the line
    const { args, end } = slashArgs(line, start);
    out.push({ name, args, rest: line.slice(start, end) });
    i = end < line.length ? end : -1;
  }
  return out;
}

/** Why a meta-command's effect cannot be read from the file's text, or undefined. */
function psqlDynamic(m: Meta): string | undefined {
  const v = m.args.find((a) => a.variable)?.variable;
  const file = m.args[0]?.text ?? '';
  if (m.name === '!') return 'runs a command (`\\!`)';
  if (m.name === 'copy') return /\bprogram\b/i.test(m.rest) ? 'runs a command (`\\copy … program`)' : undefined;
  if (m.args.some((a) => a.command)) return `runs a command (a backquoted one in \`\\${m.name}\`)`;
  if (PSQL_PIPED.has(m.name) && m.args.some((a) => a.text.startsWith('|'))) return `runs a command (\`\\${m.name} |…\`)`;
  if (v && PSQL_CONNECT.has(m.name)) return `connects where a variable says (\`\\${m.name} … ${v}\`)`;
  if (!PSQL_INCLUDE.has(m.name)) return undefined;
  if (v) return `includes a file a variable names (\`\\${m.name} ${v}\`)`;
  if (file === '-') return `includes standard input (\`\\${m.name} -\`)`;
  if (/^~[^/]/.test(file)) return `includes a file in another user's home (\`\\${m.name} ${file.split('/')[0]}…\`)`;
  return undefined;
}

const tilde = (p: string, home: string) => (p === '~' || p.startsWith('~/') ? home + p.slice(1) : p);

function psqlIncludes(text: string, src: Source): Include[] {
  const out: Include[] = [];
  text.split('\n').forEach((line, n) => {
    for (const m of metaCommands(line)) {
      const why = psqlDynamic(m);
      if (why) out.push({ uncompared: `line ${n + 1} ${why} at psql's start, whose target the engine cannot compare` });
      else if (PSQL_INCLUDE.has(m.name) && m.args[0]) {
        // `\ir` is relative to the including file's directory, `\i` to psql's working directory
        const base = m.name === 'ir' || m.name === 'include_relative' ? dirname(unescapeGlob(src.path)) : src.cwd;
        out.push({ path: escapeGlob(resolve(base, tilde(m.args[0].text, src.home))) });
      }
    }
  });
  return out;
}

// ---- MySQL/MariaDB option files: `!include FILE`, `!includedir DIR` (every *.cnf there, hidden ones too) ----

function mycnfIncludes(text: string, src: Source): Include[] {
  return text.split('\n').flatMap((line) => {
    const m = /^\s*!\s*(includedir|include)\s+(.*?)\s*$/.exec(line);
    if (!m || !m[2]) return [];
    const path = escapeGlob(resolve(src.cwd, tilde(m[2], src.home)));
    return [{ path: m[1] === 'includedir' ? `${path}/*.cnf` : path }];
  });
}

// ---- ssh_config: `Include` with globs; `~`; relative under ~/.ssh or /etc/ssh ----

function sshIncludes(text: string, src: Source): Include[] {
  return text.split('\n').flatMap((line, n) => {
    const m = /^\s*([A-Za-z]+)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m || m[1]!.toLowerCase() !== 'include') return [];
    const words = [...m[2]!.matchAll(/"([^"]*)"|(\S+)/g)].map((w) => w[1] ?? w[2]!);
    const end = words.findIndex((w) => w.startsWith('#'));
    return words.slice(0, end < 0 ? undefined : end).map((w): Include => {
      if (/%|\$\{/.test(w)) return { uncompared: `line ${n + 1} includes \`${w}\`, whose %-tokens or variables the engine cannot resolve` };
      if (w === '~' || w.startsWith('~/')) return { path: escapeGlob(src.home) + w.slice(1) };
      return { path: isAbsolute(w) ? w : `${escapeGlob(src.sshDir ?? join(src.home, '.ssh'))}/${w}` };
    });
  });
}

export function includesOf(src: Source, text: string): Include[] {
  if (src.format === 'psqlrc') return psqlIncludes(text, src);
  if (src.format === 'mycnf') return mycnfIncludes(text, src);
  if (src.format === 'ssh') return sshIncludes(text, src);
  return [];
}

// ---- following ----

export interface Reader {
  /** A glob's listing from the files it matches and what each holds, as a resume computes it from the glob. */
  listing(pattern: string, found: readonly { path: string; content: string }[]): string;
  /** A literal file's content, and its text when `withText` and it is a regular file. */
  read(path: string, withText: boolean): { content: string; text?: string };
  /** The literal paths a glob matches now, sorted. */
  matches(pattern: string): string[];
}

/** The sources and every file they include, recursively: depth 10, 200 included files a source at most, cycles
 *  cut. What the bounds leave unread is recorded as uncompared, on the file whose include was not followed. */
export function followIncludes(sources: readonly Source[], io: Reader): ClientFile[] {
  const files = new Map<string, ClientFile>();
  const seen = new Set<string>();
  const record = (path: string, content: string) => files.set(`${path}\0${content}`, { path, content });
  // `got`: the file as a glob's listing read it (read once: its hash and its includes are of the same bytes).
  const visit = (src: Source, depth: number, budget: { left: number }, from?: string, got?: { content: string; text?: string }): void => {
    const key = [src.format, src.cwd, src.home, src.sshDir, src.path].join('\0');
    if (seen.has(key)) return; // a cycle, or a file included twice
    seen.add(key);
    if (from !== undefined && --budget.left < 0) return void record(from, `${UNCOMPARED}includes more than ${MAX_INCLUDED} files, which the engine does not follow`);
    if (isPattern(src.path)) {
      const found = io.matches(src.path).map((path) => ({ path, ...io.read(path, src.format !== undefined) }));
      record(src.path, io.listing(src.path, found)); // the listing: a file added there is a change
      for (const m of found) visit({ ...src, path: escapeGlob(m.path) }, depth, budget, from ?? src.path, m);
      return;
    }
    const { content, text } = got ?? io.read(unescapeGlob(src.path), src.format !== undefined);
    record(src.path, content);
    for (const inc of text === undefined ? [] : includesOf(src, text)) {
      if ('uncompared' in inc) record(src.path, `${UNCOMPARED}${inc.uncompared}`);
      else if (depth >= MAX_DEPTH) record(src.path, `${UNCOMPARED}includes files nested deeper than ${MAX_DEPTH} levels, which the engine does not follow`);
      else visit({ ...src, path: inc.path }, depth + 1, budget, src.path);
    }
  };
  for (const s of sources) visit(s, 0, { left: MAX_INCLUDED });
  return [...files.values()];
}
