// Here-documents as bash reads them: a body runs from the line after its `<<WORD` to the line that is exactly
// WORD (tabs stripped first for `<<-`); a delimiter with any quoting means the body is taken literally.

/** Whether the delimiter as written (`raw`, from where it starts) has a quote or backslash in it. */
export function delimiterQuoted(raw: string): boolean {
  return /^[^\s;&|<>()]*['"\\]/.test(raw);
}

/** The body starting at `from` in `s` (each line with its newline) and where reading goes on after it. */
export function heredocBody(s: string, from: number, delimiter: string, strip: boolean): { text: string; end: number } {
  const lines: string[] = [];
  let i = from;
  while (i < s.length) {
    const nl = s.indexOf('\n', i);
    const line = s.slice(i, nl < 0 ? s.length : nl);
    i = nl < 0 ? s.length : nl + 1;
    if ((strip ? line.replace(/^\t+/, '') : line) === delimiter) break;
    lines.push(line);
  }
  return { text: lines.join('\n') + (lines.length ? '\n' : ''), end: i };
}
