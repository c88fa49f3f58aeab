// Here-documents as bash reads them: a body runs from the line after its `<<WORD` to the line that is exactly
// WORD (tabs stripped first for `<<-`); a delimiter with any quoting means the body is taken literally.

/** Whether the delimiter as written (`raw`, from where it starts) has a quote or backslash in it. */
export function delimiterQuoted(raw: string): boolean {
  return /^[^\s;&|<>()]*['"\\]/.test(raw);
}

/** How bash finds a body's end besides the plain rule. `joined`: an unquoted delimiter, where bash joins a line
 *  ending in an odd number of backslashes to the next before comparing (`EO\` + `F` ends `<<EOF`). `nested`:
 *  inside $( … ) or <( … ), where bash 5.2 ends the body at a line that only begins with the delimiter and reads
 *  the rest of that line as code (`EOFtouch x)`); such a line makes the script unreadable. */
export interface BodyRules { joined: boolean; nested: boolean }

/** The body starting at `from` in `s` (each line with its newline), where reading goes on after it, and a line
 *  that makes the end uncertain (see BodyRules). */
export function heredocBody(s: string, from: number, delimiter: string, strip: boolean, rules: BodyRules = { joined: false, nested: false }): { text: string; end: number; uncertain?: string } {
  const lines: string[] = [];
  let i = from;
  let uncertain: string | undefined;
  while (i < s.length) {
    const group: string[] = []; // the physical lines of one logical line, joined while bash would join them
    let logical = '';
    let more = true;
    while (more && i < s.length) {
      const nl = s.indexOf('\n', i);
      const physical = s.slice(i, nl < 0 ? s.length : nl);
      i = nl < 0 ? s.length : nl + 1;
      group.push(physical);
      more = rules.joined && continues(physical);
      logical += more ? physical.slice(0, -1) : physical;
    }
    const compared = strip ? logical.replace(/^\t+/, '') : logical;
    if (compared === delimiter) break;
    if (rules.nested && delimiter && compared.startsWith(delimiter)) uncertain ??= compared;
    lines.push(...group);
  }
  return { text: lines.join('\n') + (lines.length ? '\n' : ''), end: i, ...(uncertain !== undefined ? { uncertain } : {}) };
}

/** A line ending in an odd number of backslashes: bash joins the next line to it. */
const continues = (line: string): boolean => /(^|[^\\])(\\\\)*\\$/.test(line);
