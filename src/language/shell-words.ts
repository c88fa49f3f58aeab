// Reads a bash script the way bash splits it into simple commands and words, for the safety lint: quotes and
// backslashes removed (`r''m`, `"r"m`, `\rm`, `$'\x72m'` all read `rm`), command substitutions, process
// substitutions, backticks and unquoted here-documents parsed as the scripts they are, and every word marked
// when bash would compute it at run time (a variable, a substitution, a glob, a brace expansion): the lint
// cannot know what such a word becomes. Not a full bash parser — it never needs to run anything — but it
// loses no command: text it cannot place stays a word of some command.

import { DYNAMIC, HOLE, RESERVED_BEFORE_COMMAND, type ParsedScript, type Redirect, type Token, type Word } from './shell-syntax.js';
import { group } from './shell-commands.js';
import { ansiC } from './shell-quotes.js';
import { delimiterQuoted, heredocBody } from './shell-heredoc.js';
import { CODE, commandWordRisk } from './shell-unreadable.js';
import { ExpansionReader } from './shell-expansions.js';

export { DYNAMIC, HOLE, holdsValue, type ParsedScript, type Redirect, type SimpleCommand, type Word } from './shell-syntax.js';
export { CODE } from './shell-unreadable.js';

const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const OPS = ['&>>', ';;&', '<<<', '<<-', '&&', '||', ';;', ';&', '|&', '<<', '>>', '<&', '>&', '<>', '>|', '&>', ';', '&', '|', '(', ')', '<', '>', '\n'];
const REDIRECTS = new Set(['&>>', '<<<', '<<-', '<<', '>>', '<&', '>&', '<>', '>|', '&>', '<', '>']);

/** Every simple command of `script`, nested ones (substitutions, here-documents fed to code) included. */
export function parseScript(script: string): ParsedScript {
  const out: ParsedScript = { commands: [], problems: [], unreadable: [] };
  const lexer = new Lexer(script, out);
  out.commands.push(...group(lexer.tokens(undefined)));
  return out;
}

class Lexer extends ExpansionReader {
  private pendingHeredocs: { redirect: Redirect; delimiter: string; quoted: boolean; strip: boolean }[] = [];

  /** Tokens up to `end` (')' for $( … ), EOF otherwise); leaves i after the terminator. */
  tokens(end: ')' | undefined): Token[] {
    const tokens: Token[] = [];
    let atCommandStart = true;
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (c === ' ' || c === '\t') { this.i++; continue; }
      if (c === '\\' && s[this.i + 1] === '\n') { this.i += 2; continue; }
      if (c === '#') { while (this.i < s.length && s[this.i] !== '\n') this.i++; continue; }
      // A case pattern's `)` does not close $( … ): `$(case a in a) …; esac)`.
      if (c === ')' && end === ')' && this.depth === 0 && this.caseState() !== 'pattern') { this.i++; return tokens; }
      if (atCommandStart && s.startsWith('((', this.i)) { tokens.push({ t: 'word', w: this.arithmeticCommand() }); atCommandStart = false; continue; }
      const fd = /^(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})(?=[<>])/.exec(s.slice(this.i, this.i + 40));
      if (fd) this.i += fd[0].length;
      const op = OPS.find((o) => s.startsWith(o, this.i));
      if (op && !(fd && !REDIRECTS.has(op))) {
        if ((op === '<' || op === '>') && s[this.i + 1] === '(') { // process substitution: a word
          this.i += 2;
          this.nested(')');
          const rest = this.word();
          tokens.push({ t: 'word', w: { ...rest, text: DYNAMIC + rest.text, dynamic: true, quoted: true } });
          atCommandStart = false;
          continue;
        }
        this.i += op.length;
        const inCase = this.caseOp(op);
        if (op === '(' && !inCase) this.depth++;
        if (op === ')' && !inCase) this.depth = Math.max(0, this.depth - 1);
        const token: Token = { t: 'op', op };
        if (REDIRECTS.has(op)) token.redirect = { op };
        tokens.push(token);
        if (op === '\n') this.readHeredocs();
        if (op === '<<' || op === '<<-') this.expectHeredoc(token.redirect!, op === '<<-');
        atCommandStart = !REDIRECTS.has(op);
        continue;
      }
      const w = this.word();
      tokens.push({ t: 'word', w });
      this.caseWord(w, atCommandStart);
      const unreadable = atCommandStart && !w.quoted ? commandWordRisk(w.text, s.slice(this.i)) : undefined;
      if (unreadable) this.out.unreadable.push(unreadable);
      // A reserved word or an assignment leaves the next word in command position.
      atCommandStart = !w.quoted && (RESERVED_BEFORE_COMMAND.has(w.text) || (atCommandStart && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(w.text)));
    }
    return tokens;
  }

  private depth = 0;

  /** The case statements being read, innermost last: before `in`, in a pattern list, or in a body. */
  private cases: ('subject' | 'pattern' | 'body')[] = [];
  private caseState() { return this.cases[this.cases.length - 1]; }

  private caseWord(w: Word, atCommandStart: boolean): void {
    if (w.quoted) return;
    const state = this.caseState();
    if (w.text === 'case' && atCommandStart && state !== 'pattern') this.cases.push('subject');
    else if (state === 'subject' && w.text === 'in') this.cases[this.cases.length - 1] = 'pattern';
    else if (w.text === 'esac' && (state === 'pattern' || (state === 'body' && atCommandStart))) this.cases.pop();
  }

  /** Whether `op` belongs to a case statement's patterns (their optional `(` and their `)`), and moves on. */
  private caseOp(op: string): boolean {
    const state = this.caseState();
    if (state === 'body' && (op === ';;' || op === ';&' || op === ';;&')) this.cases[this.cases.length - 1] = 'pattern';
    if (state !== 'pattern' || (op !== '(' && op !== ')')) return false;
    if (op === ')') this.cases[this.cases.length - 1] = 'body';
    return true;
  }

  private expectHeredoc(redirect: Redirect, strip: boolean): void {
    const save = this.i;
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.i++;
    const raw = this.s.slice(this.i);
    const w = this.word();
    redirect.target = w;
    const quoted = delimiterQuoted(raw);
    if (!w.text) { this.i = save; return; }
    // bash takes `$x` in a delimiter literally (no expansion); the word read here has a value in its place.
    if (w.dynamic) this.out.unreadable.push(`'<<${raw.split(/[\s;&|<>()]/)[0]!.slice(0, 30)}': a here-document delimiter with $ or a \${{ }} in it, which bash takes literally (write a plain word: EOF)`);
    this.pendingHeredocs.push({ redirect, delimiter: w.text, quoted, strip });
  }

  /** After a newline: the bodies of the here-documents opened on that line. */
  private readHeredocs(): void {
    for (const h of this.pendingHeredocs.splice(0)) {
      const { text, end, uncertain } = heredocBody(this.s, this.i, h.delimiter, h.strip, { joined: !h.quoted, nested: this.nestedIn });
      this.i = end;
      if (uncertain !== undefined) this.out.unreadable.push(`a here-document line '${uncertain.slice(0, 30)}' inside $( … ) that begins with its delimiter '${h.delimiter.slice(0, 20)}': bash ends the body there and runs the rest of the line`);
      // Unquoted, the body is expanded like a "…" string: its substitutions run.
      h.redirect.body = { text: h.quoted ? text : expandedText(text, this.out), script: true };
    }
  }

  /** Inside $( … ) or <( … ), where bash ends a here-document at a line that begins with its delimiter. */
  private nestedIn = false;

  protected nestedRead(end: ')'): void {
    const inner = new Lexer(this.s, this.out);
    inner.i = this.i;
    inner.nestedIn = true;
    this.out.commands.push(...group(inner.tokens(end)));
    this.i = inner.i;
  }

  protected parseNested(script: string): ParsedScript { return parseScript(script); }

  /** One word: up to an unquoted metacharacter. */
  private word(): Word {
    const s = this.s;
    let text = '';
    let shadow = ''; // unquoted characters only, for brace expansion
    let dynamic = false, pattern = false, quoted = false, splits = false;
    const start = this.i;
    while (this.i < s.length) {
      const c = s[this.i]!;
      if (META.has(c)) {
        // An array assignment's ( … ) belongs to the word; extglob patterns too.
        if (c === '(' && (/=$/.test(text) && this.i > start || /[@!+*?]$/.test(shadow) && shadow.length > 0)) {
          this.i++;
          const inner = new Lexer(s, this.out);
          inner.nestedIn = this.nestedIn;
          inner.i = this.i;
          // `a=([ '…' ]=1)`: bash evaluates a subscript's quoted text as code.
          const elements = inner.tokens(')').flatMap((t) => (t.t === 'word' ? [t.w] : []));
          if (elements.some((w) => CODE.test(w.text))) this.out.unreadable.push(`'${text}( … )': quoted code in an array assignment, which bash may run (a subscript)`);
          // `b=([$x]=1)`: an indexed array's subscript is arithmetic, where bash evaluates the value as code.
          if (elements.some((w) => /^\[[^\]]*[\u0000\u0001]/.test(w.text))) this.out.unreadable.push(`'${text}( [ … ]= )': a subscript built from a value, which bash evaluates as arithmetic`);
          text += `(${DYNAMIC})`; this.i = inner.i; dynamic = true;
          if (!/=$/.test(text)) pattern = true;
          continue;
        }
        break;
      }
      if (c === HOLE) { text += DYNAMIC; dynamic = true; quoted = true; this.i++; continue; }
      if (c === '\\') {
        quoted = true;
        if (s[this.i + 1] === '\n') { this.i += 2; continue; }
        if (this.i + 1 < s.length) text += s[this.i + 1];
        this.i += 2;
        continue;
      }
      if (c === "'") {
        quoted = true;
        const close = s.indexOf("'", this.i + 1);
        const end = close < 0 ? s.length : close;
        if (close < 0) this.out.problems.push('an unterminated single quote');
        // A ${{ }} inside '…' is a value spliced into the text (the engine closes the quotes around it): the word
        // is computed, as with "…". Read as literal text, `bash -c 'echo ${{ x }}'` ran x = '; touch M' as code.
        const body = s.slice(this.i + 1, end);
        if (body.includes(HOLE)) dynamic = true;
        text += body.replaceAll(HOLE, DYNAMIC);
        this.i = end + 1;
        continue;
      }
      if (c === '$' && s[this.i + 1] === "'") {
        quoted = true;
        const r = ansiC(s, this.i + 2);
        if (r.text.includes(HOLE)) dynamic = true; // as in '…'
        text += r.text.replaceAll(HOLE, DYNAMIC); this.i = r.end;
        continue;
      }
      if (c === '"' || (c === '$' && s[this.i + 1] === '"')) {
        // $"…" is looked up in the message catalog TEXTDOMAIN and TEXTDOMAINDIR name, and bash expands the
        // translation as if written in "…": its $(…) runs. The translation is text from outside the script.
        if (c === '$') this.out.unreadable.push(`'$"${s.slice(this.i + 2, this.i + 30).split('"')[0]}"': a translated string, whose translation from a message catalog bash expands as code (write "…")`);
        quoted = true;
        this.i += c === '"' ? 1 : 2;
        const r = this.doubleQuoted();
        text += r.text; dynamic ||= r.dynamic;
        continue;
      }
      if (c === '$' || c === '`') {
        const at = this.i;
        const r = this.expansion();
        if (r) { text += r.text; dynamic = true; splits = true; (this.out.unquoted ??= []).push(s.slice(at, this.i)); continue; }
      }
      if (c === '*' || c === '?') pattern = true;
      text += c; shadow += c;
      this.i++;
    }
    if (/\{[^{}]*(,|\.\.)[^{}]*\}|\[[^\][]+\]/.test(shadow)) pattern = true;
    return { text, dynamic, pattern, quoted, ...(splits ? { splits } : {}) };
  }

}

/** A here-document body as bash hands it on: substitutions parsed (their commands recorded), values DYNAMIC. */
function expandedText(body: string, out: ParsedScript): string {
  return new Lexer(body, out).doubleQuoted(true).text;
}
