// A sed script read by sed's own grammar (GNU sed's compile.c, as far as a read needs it), lines and all: a
// script is proven only when every command in it parses to a reviewed one. What GNU sed reads differently from a
// pattern over the text (an `s|…|…|` whose delimiter is another character, a newline inside a command, a label or
// a file name that runs to the end of the line, a bracket expression in a regular expression, inside which the
// delimiter ends nothing) is then read as sed reads it, or the script is not proven.
// Never proven: e, w, W, r, R (run a command, write or read a file), the e and w flags of s, a/i/c text (their
// one-line and multi-line forms read differently), and anything this reader does not know.
// test/language/sed-oracle.test.ts checks every accepted script against GNU sed's own --sandbox, which refuses
// e, r and w commands; test/language/sed-brackets.test.ts does the same for brackets and the delimiter.

/** Why the script is not proven, or undefined when every command parsed to a reviewed one. */
export function sedScriptProblem(script: string): string | undefined {
  try {
    new SedReader(script).script();
    return undefined;
  } catch (e) {
    if (e instanceof NotProven) return e.message;
    throw e;
  }
}

class NotProven extends Error {}

/** Commands that take no argument and only read, print or move text between the spaces. */
const PLAIN = new Set(['p', 'P', 'd', 'D', 'n', 'N', 'g', 'G', 'h', 'H', 'x', '=', 'l', 'z', 'F']);
const ACTING: Record<string, string> = { e: 'runs a command', w: 'writes a file', W: 'writes a file', r: 'reads a file into the output', R: 'reads a file into the output' };

class SedReader {
  private i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  private fail(why: string): never { throw new NotProven(`a sed script that ${why}`); }
  private peek(): string | undefined { return this.s[this.i]; }
  private blanks(): void { while (this.peek() === ' ' || this.peek() === '\t') this.i++; }

  script(): void {
    for (;;) {
      while (this.peek() !== undefined && /[\s;]/.test(this.peek()!)) this.i++;
      if (this.peek() === undefined) break;
      if (this.peek() === '#') { while (this.peek() !== undefined && this.peek() !== '\n') this.i++; continue; }
      this.command();
    }
    if (this.depth !== 0) this.fail('leaves a { open');
  }

  private command(): void {
    if (this.address()) {
      this.blanks();
      if (this.peek() === ',') { this.i++; this.blanks(); if (!this.address(true)) this.fail('has a range without its end'); }
    }
    this.blanks();
    while (this.peek() === '!') { this.i++; this.blanks(); }
    const c = this.s[this.i++];
    if (c === undefined) this.fail('ends after an address');
    if (ACTING[c!]) this.fail(`${ACTING[c!]} (${c})`);
    if (c === '{') { this.depth++; return; }
    if (c === '}') { if (--this.depth < 0) this.fail('closes a { it did not open'); this.end(); return; }
    if (PLAIN.has(c!)) { this.end(); return; }
    if (c === 'q' || c === 'Q') { this.blanks(); while (/\d/.test(this.peek() ?? '')) this.i++; this.end(); return; }
    if (c === ':') { this.label(true); return; }
    if (c === 'b' || c === 't' || c === 'T') { this.label(false); return; }
    if (c === 's') { this.substitute(); return; }
    if (c === 'y') { const d = this.delimiter(); this.part(d); this.part(d); this.end(); return; }
    this.fail(`holds a command not reviewed as a read (${JSON.stringify(c)})`);
  }

  /** An address, if one starts here: a line number, $, first~step, /re/ or \cREc, with I or M; after a comma
   *  also +N and ~N. */
  private address(second = false): boolean {
    const c = this.peek();
    if (c === undefined) return false;
    if (/\d/.test(c) || (second && (c === '+' || c === '~'))) {
      this.i++;
      while (/\d/.test(this.peek() ?? '')) this.i++;
      if (!second && this.peek() === '~') { this.i++; while (/\d/.test(this.peek() ?? '')) this.i++; }
      return true;
    }
    if (c === '$') { this.i++; return true; }
    if (c === '/' || c === '\\') {
      this.i++;
      const d = c === '/' ? '/' : this.s[this.i++];
      if (d === undefined || d === '\n' || d === '\\') this.fail('has an address with no delimiter');
      this.part(d!, true);
      while (this.peek() === 'I' || this.peek() === 'M') this.i++;
      return true;
    }
    return false;
  }

  private delimiter(): string {
    const d = this.s[this.i++];
    if (d === undefined || d === '\n' || d === '\\') this.fail('has a command with no delimiter');
    return d!;
  }

  /** Up to the next unescaped delimiter `d`, as GNU sed's match_slash reads it. A line break inside is not proven
   *  (GNU sed reads some as part of the text and refuses others). In a regular expression (`regex`: the `s`
   *  command's first part and an address, never a replacement or `y`), a `[` starts a bracket expression that
   *  sed reads whole before it looks for the delimiter again (bracket()): `s/[/]/#/e` is regex `[/]`,
   *  replacement `#` and the e flag, not regex `[`, replacement `]` and a comment. */
  private part(d: string, regex = false): void {
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) this.fail('leaves a regular expression or replacement unterminated');
      if (c === '\n') this.fail('breaks a line inside a command');
      if (c === d) return;
      if (c === '\\') {
        const next = this.s[this.i++];
        if (next === undefined || next === '\n') this.fail('breaks a line inside a command');
        // Newer GNU seds read `\cX` in a regular expression as one escape (X may be the delimiter, a \ or a [),
        // 4.9 reads `\c` and then X: where the two readings may end the part at different places, not proven.
        if (regex && next === 'c' && [d, '\\', '[', '\n', undefined].includes(this.s[this.i])) this.fail('has \\c before the delimiter, a \\ or a [ (GNU sed versions read it differently)');
        continue;
      }
      if (c === '[' && regex) this.bracket();
    }
  }

  /** A bracket expression, from after its `[` to after its `]`, read as GNU sed's snarf_char_class reads it: a
   *  leading `^`, then a leading `]`, are part of it; inside, `[:`, `[.` and `[=` open a class, a collating
   *  element or an equivalence class that only the same character and `]` close; neither `\` nor the delimiter
   *  means anything there. A line break or the end of the script before its `]` is not proven (sed refuses it). */
  private bracket(): void {
    if (this.peek() === '^') this.i++;
    if (this.peek() === ']') this.i++;
    // States: 0 outside, 1 after a `[`, 2 after the opening `.`/`:`/`=`, 3 after the closing one.
    let state = 0;
    let delim = '';
    for (;; this.i++) {
      const c = this.peek();
      if (c === undefined || c === '\n') this.fail('leaves a bracket expression open on its line');
      if (c === '.' || c === ':' || c === '=') {
        if (state === 1) { delim = c; state = 2; continue; }
        if (state === 2 && c === delim) { state = 3; continue; }
      } else if (c === '[') {
        if (state === 0) state = 1;
        continue;
      } else if (c === ']') {
        if (state === 0 || state === 1) { this.i++; return; }
        if (state === 3) state = 0;
      }
      state &= ~1;
    }
  }

  private substitute(): void {
    const d = this.delimiter();
    this.part(d, true);
    this.part(d);
    for (;;) {
      const f = this.peek();
      if (f === 'g' || f === 'p' || f === 'i' || f === 'I' || f === 'm' || f === 'M' || (f !== undefined && /\d/.test(f))) { this.i++; continue; }
      if (f === 'e') this.fail('runs its replacement as a command (the e flag)');
      if (f === 'w') this.fail('writes a file (the w flag)');
      break;
    }
    this.end();
  }

  /** A label runs to a ; or the end of the line (GNU), and may not be empty for ':'. */
  private label(defining: boolean): void {
    this.blanks();
    const start = this.i;
    while (this.peek() !== undefined && !/[;\n]/.test(this.peek()!)) this.i++;
    const name = this.s.slice(start, this.i).trim();
    if (defining && name === '') this.fail("defines an empty label (':')");
    if (/\s|\}/.test(name)) this.fail('has a label with a space or } in it');
  }

  /** After a command: blanks, then ;, a newline, }, # or the end. */
  private end(): void {
    this.blanks();
    const c = this.peek();
    if (c === undefined || c === ';' || c === '\n' || c === '}' || c === '#') return;
    this.fail(`continues a command with ${JSON.stringify(c)}`);
  }
}
