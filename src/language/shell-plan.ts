// The proven subset of bash (issue #44), read into the plan the engine runs: a proven-read step never hands the
// author's text to bash, only the plan's own text (shell-plan-text.ts), so bash cannot read it another way than
// the lint did. The subset is small on purpose, and every construct in it is one the canonical text spells
// without ambiguity:
//   simple commands of literal words, 'single' and "double" quoted (no $, `, \ or ! inside), with ${{ }} values
//   anywhere in a word but the command name; pipelines (|); lists (&&, ||, ;, newline); comments; input from a file (< FILE); output to
//   /dev/null (>, 1>, 2>, &>), 2>&1 and >&2.
// Everything else (variables, substitutions, globs, braces, loops, tests, functions, assignments, here-docs,
// background jobs, subshells, escapes…) is outside: such a step is not proven, and its author marks it.
import { parseTemplate } from './expression/index.js';
import { HOLE } from './shell-syntax.js';

/** A word of a command: literal text and the script's ${{ }} values (the n-th, from 1), joined into one word. */
export type PlanPart = string | { value: number };
export interface PlanWord { parts: PlanPart[] }
/** The word's text when it holds no value. */
export const literalOf = (w: PlanWord): string | undefined => (w.parts.every((p) => typeof p === 'string') ? w.parts.join('') : undefined);
export type PlanRedirect = { op: '<'; target: PlanWord } | { op: '>' | '2>' } | { op: '2>&1' | '>&2' };
/** `line`: where the command starts in the script (bash names it in its messages). */
export interface PlanCommand { words: PlanWord[]; redirects: PlanRedirect[]; line: number }
/** One pipeline, and how it joins the one before it (undefined for the first). */
export interface PlanPipeline { join?: '&&' | '||' | ';'; line: number; commands: PlanCommand[] }
export interface Plan { pipelines: PlanPipeline[] }

export type PlanReading = { plan: Plan } | { outside: string };

/** Characters a word may hold outside quotes: none of them means anything else to bash (no glob, brace,
 *  tilde, expansion, escape or operator; '!' is a reserved word only as a command name, which the subset
 *  refuses, and history expansion is off in a script). */
const PLAIN = /[A-Za-z0-9_.\/:=@%+,!-]/;
/** Words bash reserves in command position; never a command name in the subset. */
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'select',
  'function', 'time', 'coproc', 'in', '{', '}', '!', '[[', ']]']);
const NAME = /^(?:[A-Za-z0-9_./+-]+|\[)$/;

/** Each `${{ }}` becomes HOLE: a value bash receives at run time, never script text. */
export function withHoles(script: string): string {
  try {
    return parseTemplate(script).map((p) => (p.kind === 'text' ? p.text.replaceAll(HOLE, '') : HOLE)).join('');
  } catch {
    return script.replace(/\$\{\{[\s\S]*?\}\}/g, HOLE); // expression-check reports the template
  }
}

const read = new Map<string, PlanReading>();

/** The reading of a step's script as written (with its `${{ }}`): its plan, or why it is outside the subset.
 *  Read once per text: the lint, the dry run's check and every item of a loop ask for the same step's. */
export function readTemplate(script: string): PlanReading {
  let r = read.get(script);
  if (r === undefined) {
    r = readPlan(withHoles(script));
    if (read.size >= 512) read.clear();
    read.set(script, r);
  }
  return r;
}

/** The plan of a step's script as written, if it is in the subset. */
export function planOfTemplate(script: string): Plan | undefined {
  const r = readTemplate(script);
  return 'plan' in r ? r.plan : undefined;
}

class Outside extends Error {}
const outside = (why: string): never => { throw new Outside(why); };

type Tok = { t: 'word'; w: PlanWord; raw: string } | { t: 'op'; op: string } | { t: 'nl' };

/** The plan of `script` (its `${{ }}` holes as HOLE), or why it is outside the proven subset. */
export function readPlan(script: string): PlanReading {
  try {
    return { plan: parse(tokens(script)) };
  } catch (e) {
    if (e instanceof Outside) return { outside: e.message };
    throw e;
  }
}

function tokens(s: string): Array<Tok & { line: number }> {
  const out: Array<Tok & { line: number }> = [];
  let line = 1;
  let holes = 0;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '\n') { out.push({ t: 'nl', line }); line++; i++; continue; }
    if (c === '#') { while (i < s.length && s[i] !== '\n') i++; continue; }
    // Other whitespace (CR, VT, FF, U+2028…): bash reads it as part of a word, the words below end at it. A
    // `\r` here made no word and no progress, and validate ran until it ran out of memory.
    if (/\s/.test(c)) outside(describe(c));
    const op = ['&&', '||', '2>&1', '1>&2', '>&2', '&>', '2>', '1>', ';', '|', '<', '>'].find((o) => s.startsWith(o, i));
    // `2>` and `1>` only as whole tokens: `12>x` or `a2>x` is another thing to bash.
    if (op && !(/^[12]/.test(op) && i > 0 && /[^\s;|&]/.test(s[i - 1]!))) {
      const next = s[i + op.length];
      if (op === '|' && next === '&') outside("'|&' (stderr into the pipe)");
      if (['<', '>', '2>', '&>'].includes(op) && next !== undefined && '(&<>|'.includes(next)) outside(`'${op}${next}' (a redirection outside the subset)`);
      if (op.endsWith('&1') || op.endsWith('&2')) { if (next !== undefined && /[^\s;|&]/.test(next)) outside(`'${op}${next}'`); }
      // `;;`, and `;&` even before `>` (`;&>`): bash's lexer takes the longest operator, a case terminator.
      if (op === ';' && (next === ';' || next === '&')) outside(`';${next}' (a case terminator)`);
      out.push({ t: 'op', op: op === '1>' ? '>' : op === '1>&2' ? '>&2' : op, line });
      i += op.length;
      continue;
    }
    if (c === '&' || c === '(' || c === ')') outside(c === '&' ? "'&' (a background job)" : `'${c}' (a subshell or group)`);
    const start = i;
    const word = readWord(s, i, () => ++holes);
    line += s.slice(start, word.end).split('\n').length - 1;
    out.push({ t: 'word', w: word.w, raw: s.slice(start, word.end), line });
    i = word.end;
  }
  return out;
}

function readWord(s: string, from: number, nextHole: () => number): { w: PlanWord; end: number } {
  const parts: PlanPart[] = [];
  let text = '';
  const hole = (): void => { if (text) parts.push(text); text = ''; parts.push({ value: nextHole() }); };
  /** Literal text, with each HOLE in it a value. */
  const quoted = (body: string): void => { for (const c of body) { if (c === HOLE) hole(); else text += c; } };
  let i = from;
  while (i < s.length && !/[\s;|&<>()]/.test(s[i]!)) {
    const c = s[i]!;
    // `12>f`: digits just before a redirection name a file descriptor, not a word.
    if (/^\d$/.test(c) && i === from && /^\d+[<>]/.test(s.slice(i, i + 12))) outside('a redirection of a numbered file descriptor');
    if (c === "'" || c === '"') {
      const close = s.indexOf(c, i + 1);
      if (close < 0) outside('an unclosed quote');
      const body = s.slice(i + 1, close);
      const bad = c === '"' ? /[$`\\!]/.exec(body) : null;
      if (bad) outside(`'${bad[0]}' inside "…" (expanded or escaped by bash)`);
      quoted(body);
      i = close + 1;
    } else if (c === HOLE) {
      hole();
      i++;
    } else if (PLAIN.test(c)) {
      text += c;
      i++;
    } else if ((c === '[' || c === ']') && (i === from) && (i + 1 >= s.length || /[\s;|&<>]/.test(s[i + 1]!))) {
      text += c; // `[` and `]` alone are words, no pattern
      i++;
    } else {
      outside(describe(c));
    }
  }
  if (i === from) outside(describe(s[i] ?? ''));
  if (text || parts.length === 0) parts.push(text);
  return { w: { parts }, end: i };
}

function describe(c: string): string {
  const what: Record<string, string> = {
    $: 'a variable or substitution', '`': 'a command substitution', '\\': 'a backslash escape', '*': 'a glob', '?': 'a glob',
    '[': 'a glob', ']': 'a glob', '{': 'a brace expansion or group', '}': 'a brace expansion or group', '~': 'a tilde expansion', '!': "'!'",
  };
  const code = c.codePointAt(0)!;
  return `'${code < 0x20 || code > 0x7e ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : c}'${what[c] ? ` (${what[c]})` : ' outside quotes'}`;
}

function parse(toks: Array<Tok & { line: number }>): Plan {
  const pipelines: PlanPipeline[] = [];
  let k = 0;
  const skipNewlines = (): void => { while (toks[k]?.t === 'nl') k++; };
  let join: PlanPipeline['join'];
  skipNewlines();
  while (k < toks.length) {
    const line = toks[k]!.line;
    const commands: PlanCommand[] = [readCommand()];
    while (isOp(toks[k], '|')) { k++; skipNewlines(); commands.push(readCommand()); }
    pipelines.push({ ...(join ? { join } : {}), line, commands });
    const next = toks[k];
    if (next === undefined) break;
    if (isOp(next, '&&') || isOp(next, '||')) {
      join = next.op as '&&' | '||';
      k++;
      skipNewlines();
      if (k >= toks.length) outside(`'${join}' with nothing after it`);
    } else if (isOp(next, ';') || next.t === 'nl') {
      join = ';';
      k++;
      skipNewlines();
    } else {
      outside(`'${opText(next)}' where a command ends`);
    }
  }
  if (pipelines.length === 0) outside('no command');
  return { pipelines };

  function readCommand(): PlanCommand {
    const line = toks[k]?.line ?? 1;
    const words: PlanWord[] = [];
    const redirects: PlanRedirect[] = [];
    for (;;) {
      const tok = toks[k];
      if (tok?.t === 'word') { words.push(tok.w); k++; continue; }
      if (tok?.t === 'op' && ['<', '>', '2>', '&>', '2>&1', '>&2'].includes(tok.op)) { k++; redirects.push(...redirect(tok.op)); continue; }
      break;
    }
    if (words.length === 0) outside(redirects.length ? 'a redirection without a command' : `'${opText(toks[k])}' where a command starts`);
    const name = literalOf(words[0]!);
    if (name === undefined) return outside('a ${{ }} value in the command name');
    const first = toks.find((t) => t.t === 'word' && t.w === words[0]) as { raw: string } | undefined;
    if (!NAME.test(name) || first?.raw !== name) outside(`the command name '${name}' (only a plain unquoted name is proven)`);
    if (RESERVED.has(name)) outside(`'${name}' (a reserved word of bash)`);
    return { words, redirects, line };
  }

  function redirect(op: string): PlanRedirect[] {
    if (op === '2>&1' || op === '>&2') return [{ op }];
    const tok = toks[k];
    if (tok?.t !== 'word') return outside(`'${op}' without a file`);
    const target = tok;
    k++;
    if (op === '<') return [{ op: '<', target: target.w }];
    const file = literalOf(target.w);
    if (file !== '/dev/null') outside(`output to a file ('${op} ${file ?? '${{ }}'}'): only /dev/null is proven`);
    return op === '&>' ? [{ op: '>' }, { op: '2>&1' }] : [{ op: op as '>' | '2>' }];
  }
}

const isOp = (t: Tok | undefined, op: string): t is Tok & { t: 'op'; op: string } => t?.t === 'op' && t.op === op;
const opText = (t: Tok | undefined): string => (t === undefined ? 'the end' : t.t === 'op' ? t.op : t.t === 'word' ? 'a word' : 'a newline');
