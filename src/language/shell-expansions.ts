// What bash computes as it reads a word: $name, ${ … }, $( … ), $(( … )), `…`, (( … )) and the inside of "…".
// Each reads as DYNAMIC (the lint cannot know what it becomes), the code inside a substitution is parsed as the
// script it is, and what bash may run as code where it looks like data is recorded as unreadable. The lexer that
// splits a script into commands (shell-words.ts) builds on this reader.

import { DYNAMIC, HOLE, type ParsedScript, type Word } from './shell-syntax.js';
import { arithmeticRisk, parameterRisks } from './shell-unreadable.js';

export abstract class ExpansionReader {
  protected i = 0;
  constructor(protected readonly s: string, protected readonly out: ParsedScript) {}

  /** Reads the commands of a nested script ($( … ), <( … )) from i (just after its opening) to its `end`. */
  protected abstract nestedRead(end: ')'): void;
  /** Every command of a script read on its own (a backtick substitution's body, its escapes removed). */
  protected abstract parseNested(script: string): ParsedScript;

  /** `(( … ))`: arithmetic; bash runs any $( … ) in it. */
  protected arithmeticCommand(): Word {
    this.i += 2;
    const start = this.i;
    let parens = 0;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '$' && this.s[this.i + 1] === '(' && this.s[this.i + 2] !== '(') { this.i += 2; this.nested(')'); continue; }
      if (c === '`') { this.backtick(); continue; }
      if (c === '(') parens++;
      if (c === ')') {
        if (parens === 0 && this.s[this.i + 1] === ')') { this.i += 2; break; }
        parens--;
      }
      this.i++;
    }
    return { text: `((${this.s.slice(start, this.i - 2)}))`, dynamic: true, pattern: false, quoted: true };
  }

  /** Runs a nested read; past MAX_NESTING levels the rest of the script is unreadable (and the stack safe). */
  private deeper<T>(fallback: T, read: () => T): T {
    if (nesting >= MAX_NESTING) {
      this.out.unreadable.push(`substitutions nested more than ${MAX_NESTING} deep`);
      this.i = this.s.length;
      return fallback;
    }
    nesting++;
    try { return read(); } finally { nesting--; }
  }

  /** Parses a nested script ($( … ), <( … )) into the output's commands; i is just after its opening. */
  protected nested(end: ')'): void {
    this.deeper(undefined, () => this.nestedRead(end));
  }

  private backtick(): void {
    this.deeper(undefined, () => this.backtickRead());
  }

  private backtickRead(): void {
    this.i++;
    let body = '';
    while (this.i < this.s.length && this.s[this.i] !== '`') {
      // bash reads the body as text first, joining lines at a backslash-newline (inside quotes too: `'a\⏎b'` is ab).
      if (this.s[this.i] === '\\' && this.s[this.i + 1] === '\n') { this.i += 2; continue; }
      if (this.s[this.i] === '\\' && /[`\\$]/.test(this.s[this.i + 1] ?? '')) this.i++;
      body += this.s[this.i++];
    }
    this.i++;
    const inner = this.parseNested(body);
    this.out.commands.push(...inner.commands);
    this.out.problems.push(...inner.problems);
    this.out.unreadable.push(...inner.unreadable);
    if (inner.unquoted) (this.out.unquoted ??= []).push(...inner.unquoted);
  }

  /** Inside "…" (i after the opening quote): backslash escapes only $ ` " \ and newline. A here-document
   *  body reads the same to its end, except that '"' is an ordinary character there. */
  doubleQuoted(heredoc = false): { text: string; dynamic: boolean } {
    const s = this.s;
    let text = '', dynamic = false;
    while (this.i < s.length && (heredoc || s[this.i] !== '"')) {
      const c = s[this.i]!;
      if (c === HOLE) { text += DYNAMIC; dynamic = true; this.i++; continue; }
      if (c === '\\' && (heredoc ? /[$`\\\n]/ : /[$`"\\\n]/).test(s[this.i + 1] ?? '')) {
        if (s[this.i + 1] !== '\n') text += s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (c === '$' || c === '`') {
        const r = this.expansion();
        if (r) { text += r.text; dynamic = true; continue; }
      }
      text += c;
      this.i++;
    }
    if (this.i >= s.length && !heredoc) this.out.problems.push('an unterminated double quote');
    this.i++;
    return { text, dynamic };
  }

  /** $name, ${ … }, $( … ), $(( … )), `…` at i; undefined for a lone '$'. */
  protected expansion(): { text: string } | undefined {
    return this.deeper({ text: DYNAMIC }, () => this.expansionRead());
  }

  private expansionRead(): { text: string } | undefined {
    const s = this.s;
    if (s[this.i] === '`') { this.backtick(); return { text: DYNAMIC }; }
    const next = s[this.i + 1] ?? '';
    if (s.startsWith('$((', this.i)) {
      this.i += 1;
      const unreadable = arithmeticRisk(this.arithmeticCommand().text);
      if (unreadable) this.out.unreadable.push(unreadable);
      return { text: DYNAMIC };
    }
    if (next === '[') { this.out.unreadable.push("'$[ … ]': arithmetic, whose variables bash evaluates as code"); }
    if (next === '(') { this.i += 2; this.nested(')'); return { text: DYNAMIC }; }
    if (next === '{') {
      let depth = 0;
      const start = this.i;
      this.i += 1;
      while (this.i < s.length) {
        const c = s[this.i]!;
        if (c === '\\') { this.i += 2; continue; }
        if (c === '$' || c === '`') { if (this.expansion()) continue; }
        if (c === "'" && depth > 0) {
          const close = s.indexOf("'", this.i + 1);
          // ${a['$(cmd)']}, ${s:'x[$(cmd)]'}: bash runs code quoted in a subscript or an offset.
          if (/[$`\\]/.test(s.slice(this.i + 1, close < 0 ? s.length : close))) this.out.unreadable.push(`'${s.slice(start, Math.min(s.length, start + 40))}…': quoted text inside \${…} that bash may run as code (a subscript or an offset)`);
          this.i = close < 0 ? s.length : close + 1;
          continue;
        }
        if (c === '"') { this.i++; this.doubleQuoted(); continue; }
        if (c === '{') depth++;
        if (c === '}' && --depth === 0) { this.i++; break; }
        this.i++;
      }
      this.out.unreadable.push(...parameterRisks(s.slice(start, this.i)));
      return { text: DYNAMIC };
    }
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(s.slice(this.i, this.i + 256));
    if (!m) return undefined;
    this.i += m[0].length;
    return { text: DYNAMIC };
  }
}

/** Nesting of substitutions being read (the lexer is synchronous: one read at a time). */
let nesting = 0;
const MAX_NESTING = 64;
