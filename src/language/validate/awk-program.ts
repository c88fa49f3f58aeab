// An awk program read by awk's grammar (POSIX awk, as gawk and mawk parse it), not by patterns over its text: a
// program is proven only when it parses whole into a reviewed subset. In a grammar, a `/` is a regular
// expression only where an operand may start and a division after one (`1. / 2; system("x"); 1. / 2` divides
// twice and calls system), a `\` at the end of a line joins it to the next (so `print x \` + `> "F"` is a
// redirection), and `>` inside print's arguments is a redirection unless parenthesized.
// A built-in function's name is that built-in wherever it stands (`system ("x")` calls it: the awks take blanks
// before a built-in's `(`), and a regular expression's bracket holds only POSIX classes (`[.` and `[=` are read to
// different ends by gawk and mawk).
// Never proven: system(), close(), fflush() (their names anywhere), getline in any form, any `|`, print/printf
// with `>` or `>>`, user functions, `@` (gawk's indirect calls and directives), and anything this reader does not
// know. test/language/awk-oracle.test.ts checks every accepted program against gawk --sandbox, which refuses
// system(), redirections and getline from files or commands itself, and mawk; test/language/awk-builtins-brackets
// .test.ts does the same for built-ins called with blanks and for brackets.

/** Why the program is not proven (`acts`: it runs, pipes or writes, which safe_because cannot vouch for), or
 *  undefined when it parsed whole into the subset. */
export function awkProgramProblem(program: string): { why: string; acts: boolean } | undefined {
  try {
    new AwkParser(program).program();
    return undefined;
  } catch (e) {
    if (e instanceof NotProven) return { why: e.message, acts: e.acts };
    throw e;
  }
}

class NotProven extends Error {
  constructor(why: string, readonly acts: boolean) { super(`an awk program that ${why}`); }
}
const fail = (why: string): never => { throw new NotProven(why, false); };
/** What certainly acts: a command run, a pipe, a file written or read by getline. */
const acting = (why: string): never => { throw new NotProven(why, true); };

type Tok = { t: 'num' | 'str' | 'name' | 'func' | 'builtin' | 'kw' | 'op' | 'nl'; v: string };

const KEYWORDS = new Set(['BEGIN', 'END', 'print', 'printf', 'if', 'else', 'while', 'for', 'do', 'break', 'continue', 'next', 'nextfile', 'exit', 'delete', 'in', 'getline', 'function', 'func', 'return']);
/** Built-in functions that only compute (no I/O, no process, no state outside the program). */
const BUILTINS = new Set(['length', 'substr', 'index', 'split', 'sub', 'gsub', 'match', 'sprintf', 'tolower', 'toupper', 'int', 'sqrt', 'exp', 'log', 'sin', 'cos', 'atan2']);
const ACTING_CALLS = new Set(['system', 'close', 'fflush']);
/** Every built-in function gawk 5 and mawk 1.3.4 know. gawk and mawk read such a name as the built-in wherever it
 *  stands, and take it as a call with blanks before its `(` (`system ("touch M")`, `close\t(f)`); only a user
 *  function's call needs the `(` glued. So a name here is that built-in whatever follows: the reviewed ones
 *  (BUILTINS) are read as calls, the acting ones (and getline) are refused wherever they appear, the name alone
 *  too, and the others are not proven. */
const ALL_BUILTINS = new Set([...BUILTINS, ...ACTING_CALLS, 'rand', 'srand', 'gensub', 'patsplit', 'asort', 'asorti', 'strftime', 'systime',
  'mktime', 'strtonum', 'and', 'or', 'xor', 'lshift', 'rshift', 'compl', 'bindtextdomain', 'dcgettext', 'dcngettext', 'isarray', 'typeof', 'mkbool']);
/** The character classes POSIX names, the only `[:name:]` proven inside a bracket expression. */
const POSIX_CLASSES = new Set(['alpha', 'digit', 'alnum', 'upper', 'lower', 'space', 'blank', 'punct', 'print', 'graph', 'cntrl', 'xdigit']);
/** gawk's variables that choose what it opens or calls: `ARGV[1] = "/inet/tcp/0/HOST/PORT"` in BEGIN connected out
 *  (gawk opens each ARGV element as an input file, and /inet/… names a socket); SYMTAB reaches ARGV by name,
 *  PROCINFO names functions (sorted_in) and sets up ptys. Never proven, read or written. */
const OPENING_NAMES = new Set(['ARGV', 'ARGC', 'SYMTAB', 'PROCINFO']);
const OPS = ['+=', '-=', '*=', '/=', '%=', '^=', '**=', '**', '==', '<=', '>=', '!=', '++', '--', '&&', '||', '>>', '!~', '{', '}', '(', ')', '[', ']', ';', ',', '+', '-', '*', '/', '%', '^', '!', '>', '<', '|', '?', ':', '~', '$', '='];

/** The token at `i` (after blanks, comments and continued lines), and where it ends; undefined at the end. The
 *  parser asks for a regular expression itself where one may start (AwkParser.regex). */
function lexAt(s: string, i: number): { tok: Tok; end: number } | undefined {
  for (;;) {
    const c = s[i];
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '\\' && s[i + 1] === '\n') { i += 2; continue; } // a continued line
    if (c === '#') { while (i < s.length && s[i] !== '\n') i++; continue; }
    break;
  }
  if (i >= s.length) return undefined;
  const c = s[i]!;
  if (c === '\n') return { tok: { t: 'nl', v: '\n' }, end: i + 1 };
  if (c === '"') {
    let j = i + 1;
    while (j < s.length && s[j] !== '"') { if (s[j] === '\n') fail('breaks a line inside a string'); j += s[j] === '\\' ? 2 : 1; }
    if (j >= s.length) fail('leaves a string unterminated');
    return { tok: { t: 'str', v: s.slice(i, j + 1) }, end: j + 1 };
  }
  const num = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(s.slice(i, i + 64));
  if (num) return { tok: { t: 'num', v: num[0] }, end: i + num[0].length };
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i, i + 256));
  if (name) {
    const v = name[0];
    if (OPENING_NAMES.has(v)) fail(`uses ${v}, which chooses the files gawk opens or the functions it calls (ARGV[1] = "/inet/tcp/…" opens a socket)`);
    if (v === 'system') acting('calls system() (the name is the built-in wherever it stands, with blanks before its ( too)');
    if (v === 'getline') acting('reads with getline');
    if (ACTING_CALLS.has(v)) fail(`calls ${v}() (the name is the built-in wherever it stands, with blanks before its ( too)`);
    if (ALL_BUILTINS.has(v) && !BUILTINS.has(v)) fail(`calls ${v}(), not a built-in reviewed as a read`);
    const end = i + v.length;
    const t = KEYWORDS.has(v) ? 'kw' : BUILTINS.has(v) ? 'builtin' : s[end] === '(' ? 'func' : 'name';
    return { tok: { t, v }, end };
  }
  if (c === '@') fail("uses '@' (gawk's indirect calls and directives)");
  const op = OPS.find((o) => s.startsWith(o, i));
  if (!op) fail(`holds ${JSON.stringify(c)}, which this reader does not know`);
  return { tok: { t: 'op', v: op! }, end: i + op!.length, ...{ at: i } } as { tok: Tok; end: number };
}

class AwkParser {
  /** Where the parser is in the source: a token is read from here on demand. */
  private k = 0;
  private cached?: { at: number; lexed: { tok: Tok; end: number } | undefined };
  constructor(private readonly s: string) {}

  private lexed(): { tok: Tok; end: number } | undefined {
    if (this.cached?.at !== this.k) this.cached = { at: this.k, lexed: lexAt(this.s, this.k) };
    return this.cached.lexed;
  }
  private peek(): Tok | undefined { return this.lexed()?.tok; }
  private advance(): void { const l = this.lexed(); if (l) this.k = l.end; }
  /** The token `n` after the current one. */
  private ahead(n: number): Tok | undefined {
    let at = this.k;
    for (let i = 0; i < n; i++) { const l = lexAt(this.s, at); if (!l) return undefined; at = l.end; }
    return lexAt(this.s, at)?.tok;
  }
  private is(v: string): boolean { const t = this.peek(); return t !== undefined && t.t !== 'str' && t.v === v; }
  private take(v: string): void { if (!this.is(v)) fail(`has ${this.peek()?.v ?? 'the end'} where ${v} belongs`); this.advance(); }
  private newlines(): void { while (this.peek()?.t === 'nl') this.advance(); }
  private terminators(): void { while (this.peek()?.t === 'nl' || this.is(';')) this.advance(); }

  program(): void {
    this.terminators();
    while (this.peek()) {
      const t = this.peek()!;
      if (t.t === 'kw' && (t.v === 'function' || t.v === 'func')) fail('defines a function');
      let action = true;
      if (t.t === 'kw' && (t.v === 'BEGIN' || t.v === 'END')) { this.advance(); this.newlines(); this.block(); }
      else {
        if (!this.is('{')) { this.expr(); if (this.is(',')) { this.advance(); this.newlines(); this.expr(); } }
        if (this.is('{')) this.block(); else action = false;
      }
      // After an action the next item may follow at once (`{ n++ } END { … }`); after a pattern alone, a ; or
      // a newline must.
      const after = this.peek();
      if (!action && after && after.t !== 'nl' && !this.is(';')) fail(`continues with ${after.v} after a pattern`);
      this.terminators();
    }
  }

  private block(): void {
    this.take('{');
    this.terminators();
    while (!this.is('}')) {
      if (!this.peek()) fail('leaves a { open');
      this.statement();
      this.terminators();
    }
    this.advance();
  }

  private simpleEnd(): void {
    if (this.peek() === undefined || this.peek()!.t === 'nl' || this.is(';') || this.is('}')) return;
    fail(`continues a statement with ${this.peek()!.v}`);
  }

  private statement(): void {
    const t = this.peek()!;
    if (this.is('{')) { this.block(); return; }
    if (t.t === 'kw') {
      switch (t.v) {
        case 'print': case 'printf': this.advance(); this.printArgs(t.v); this.simpleEnd(); return;
        case 'if': this.advance(); this.take('('); this.expr(); this.take(')'); this.newlines(); this.body();
          { const save = this.k; this.terminators(); if (this.is('else')) { this.advance(); this.newlines(); this.body(); } else this.k = save; }
          return;
        case 'while': this.advance(); this.take('('); this.expr(); this.take(')'); this.newlines(); this.body(); return;
        case 'for': this.advance(); this.forHead(); this.newlines(); this.body(); return;
        case 'next': case 'break': case 'continue': this.advance(); this.simpleEnd(); return;
        case 'exit': this.advance(); if (!this.atEnd()) this.expr(); this.simpleEnd(); return;
        case 'delete': this.advance(); this.name(); if (this.is('[')) { this.advance(); this.exprList(']'); } this.simpleEnd(); return;
        default: fail(`uses ${t.v}`);
      }
    }
    if (this.is(';')) { this.advance(); return; }
    this.expr();
    this.simpleEnd();
  }

  private body(): void { if (this.is(';')) { this.advance(); return; } this.statement(); }
  private atEnd(): boolean { return this.peek() === undefined || this.peek()!.t === 'nl' || this.is(';') || this.is('}'); }

  private forHead(): void {
    this.take('(');
    // for (k in a)
    if (this.peek()?.t === 'name' && this.ahead(1)?.v === 'in' && this.ahead(2)?.t === 'name' && this.ahead(3)?.v === ')') { for (let i = 0; i < 4; i++) this.advance(); return; }
    if (!this.is(';')) this.expr();
    this.take(';'); this.newlines();
    if (!this.is(';')) this.expr();
    this.take(';'); this.newlines();
    if (!this.is(')')) this.expr();
    this.take(')');
  }

  /** print's and printf's arguments: `>` there is a redirection unless parenthesized, and `|` a pipe. */
  private printArgs(which: string): void {
    if (!this.atEnd() && !this.is('>') && !this.is('>>') && !this.is('|')) {
      this.expr(true);
      while (this.is(',')) { this.advance(); this.newlines(); this.expr(true); }
    }
    if (this.is('>') || this.is('>>')) acting(`writes a file (${which} >)`);
    if (this.is('|')) acting(`pipes into a command (${which} |)`);
  }

  private name(): void { if (this.peek()?.t !== 'name') fail(`has ${this.peek()?.v ?? 'the end'} where a name belongs`); this.advance(); }

  private exprList(close: string): void {
    this.expr();
    while (this.is(',')) { this.advance(); this.newlines(); this.expr(); }
    this.take(close);
  }

  // Expressions, by precedence (POSIX awk's grammar). `noGt`: inside print's arguments, outside parentheses.
  expr(noGt = false): void { this.ternary(noGt); }

  private ternary(noGt: boolean): void {
    this.or(noGt);
    if (this.is('?')) { this.advance(); this.newlines(); this.ternary(noGt); this.newlines(); this.take(':'); this.newlines(); this.ternary(noGt); return; }
    if (['=', '+=', '-=', '*=', '/=', '%=', '^=', '**='].some((o) => this.is(o))) { this.advance(); this.newlines(); this.ternary(noGt); }
  }
  private or(noGt: boolean): void { this.and(noGt); while (this.is('||')) { this.advance(); this.newlines(); this.and(noGt); } }
  private and(noGt: boolean): void { this.inArray(noGt); while (this.is('&&')) { this.advance(); this.newlines(); this.inArray(noGt); } }
  private inArray(noGt: boolean): void { this.match(noGt); while (this.is('in')) { this.advance(); this.name(); } }
  private match(noGt: boolean): void { this.compare(noGt); while (this.is('~') || this.is('!~')) { this.advance(); this.compare(noGt); } }
  private compare(noGt: boolean): void {
    this.concat(noGt);
    if (this.is('|')) acting('pipes (| getline, or |&)');
    if (this.is('<') || this.is('<=') || this.is('!=') || this.is('==') || this.is('>=') || (!noGt && (this.is('>')))) { this.advance(); this.concat(noGt); }
  }
  /** Juxtaposition: another operand that cannot be read as a binary operator's right side (not + - /). */
  private concat(noGt: boolean): void {
    this.additive();
    while (this.startsOperand()) this.additive();
    void noGt;
  }
  private startsOperand(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.t === 'num' || t.t === 'str' || t.t === 'name' || t.t === 'builtin' || t.t === 'func') return true;
    if (t.t === 'kw') return t.v === 'getline';
    return t.t === 'op' && ['$', '!', '(', '++', '--'].includes(t.v);
  }
  private additive(): void { this.multiplicative(); while (this.is('+') || this.is('-')) { this.advance(); this.multiplicative(); } }
  private multiplicative(): void { this.unary(); while (this.is('*') || this.is('/') || this.is('%')) { this.advance(); this.unary(); } }
  private unary(): void {
    if (this.is('!') || this.is('-') || this.is('+')) { this.advance(); this.unary(); return; }
    this.power();
  }
  private power(): void { this.postfix(); if (this.is('^') || this.is('**')) { this.advance(); this.unary(); } }
  private postfix(): void { this.primary(); if (this.is('++') || this.is('--')) this.advance(); }

  private primary(): void {
    const t = this.peek();
    if (!t) fail('ends where an operand belongs');
    if (t!.t === 'num' || t!.t === 'str') { this.advance(); return; }
    if (t!.t === 'kw' && t!.v === 'getline') acting('reads with getline');
    if (t!.t === 'op') {
      if (t!.v === '/' || t!.v === '/=') { this.regex(); return; }
      if (t!.v === '(') { this.advance(); this.newlines(); this.expr(); while (this.is(',')) { this.advance(); this.newlines(); this.expr(); } this.take(')'); return; }
      if (t!.v === '$') { this.advance(); this.postfixOperand(); return; }
      if (t!.v === '++' || t!.v === '--') { this.advance(); this.lvalue(); return; }
    }
    if (t!.t === 'name') { this.lvalue(); return; }
    if (t!.t === 'builtin') {
      this.advance();
      // Its arguments, after blanks too (`substr ($0, 2)`); only length may go without them.
      if (this.is('(')) { this.advance(); if (!this.is(')')) { this.expr(); while (this.is(',')) { this.advance(); this.newlines(); this.expr(); } } this.take(')'); }
      else if (t!.v !== 'length') fail(`uses ${t!.v} without its arguments`);
      return;
    }
    if (t!.t === 'func') fail(`calls ${t!.v}(), a function this reader does not know`);
    fail(`has ${t!.v} where an operand belongs`);
  }
  /** After `$`: a high-precedence operand (a number, a name, $…, a parenthesized expression, ++/--). */
  private postfixOperand(): void {
    const t = this.peek();
    if (t?.t === 'num' || t?.t === 'name') { if (t.t === 'name') this.lvalue(); else this.advance(); return; }
    if (this.is('(') || this.is('$') || this.is('++') || this.is('--') || this.is('-') || this.is('!')) { if (this.is('-') || this.is('!')) this.advance(); this.primary(); return; }
    fail(`has ${t?.v ?? 'the end'} after $`);
  }
  private lvalue(): void {
    this.name();
    if (this.is('[')) { this.advance(); this.exprList(']'); }
  }
  /** A regular expression literal where an operand starts: from the `/` to the next unescaped `/` on its line
   *  (a `/` in a bracket expression is read differently by the awks: not proven). */
  private regex(): void {
    let i = this.s.indexOf('/', this.k) + 1;
    for (;;) {
      const c = this.s[i];
      if (c === undefined || c === '\n') fail('leaves a regular expression unterminated');
      if (c === '/') break;
      if (c === '\\') { if (this.s[i + 1] === undefined || this.s[i + 1] === '\n') fail('breaks a line inside a regular expression'); i += 2; continue; }
      if (c === '[') { i = this.bracket(i); continue; }
      i++;
    }
    this.k = i + 1;
  }

  /** A bracket expression from its `[`: the index after its `]` (a leading `^`, then a leading `]`, are part of
   *  it; `\` escapes the character after it). A `/` or a line break inside is not proven (gawk and mawk end the
   *  literal at a different `/`), nor a bracket left open on its line. Inside, only a POSIX class `[:name:]` is
   *  proven: mawk ends the bracket at the first `]` where gawk reads `[.`, `[=` and `[:` on to their `.]`, `=]`,
   *  `:]` (in `{ x = /[[.]/; system("x") }\n# .]]/ }` the lint saw one regex, mawk a regex, a call of system and
   *  a comment). */
  private bracket(open: number): number {
    let i = open + 1;
    if (this.s[i] === '^') i++;
    if (this.s[i] === ']') i++;
    for (;;) {
      const c = this.s[i];
      if (c === undefined || c === '\n' || c === '/') fail("has a '/' or a line break in a bracket expression, or leaves one open on its line, which awks read differently");
      if (c === ']') return i + 1;
      if (c === '[' && this.s[i + 1] === ':') {
        const named = /^\[:([a-z]+):\]/.exec(this.s.slice(i, i + 16));
        if (!named || !POSIX_CLASSES.has(named[1]!)) fail('has a [: in a bracket expression that is not a POSIX class ([:alpha:], [:digit:]…), which gawk and mawk end differently');
        i += named![0].length;
        continue;
      }
      if (c === '[' && (this.s[i + 1] === '.' || this.s[i + 1] === '=')) fail(`has ${c}${this.s[i + 1]} in a bracket expression (a collating element or an equivalence class), which gawk and mawk end differently`);
      if (c === '\\' && (this.s[i + 1] === undefined || this.s[i + 1] === '\n')) fail('breaks a line inside a bracket expression');
      i += c === '\\' ? 2 : 1;
    }
  }
}
