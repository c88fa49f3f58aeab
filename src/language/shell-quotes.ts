// bash's $'…' strings, decoded as bash decodes them, for the shell reader (shell-words.ts).

/** $'…' (start is after the opening quote). */
export function ansiC(s: string, start: number): { text: string; end: number } {
  let i = start, text = '';
  const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
  while (i < s.length && s[i] !== "'") {
    if (s[i] !== '\\') { text += s[i++]; continue; }
    const e = s[i + 1] ?? '';
    if (e in SIMPLE) { text += SIMPLE[e]; i += 2; continue; }
    let m: RegExpExecArray | null;
    if ((m = /^x([0-9a-fA-F]{1,2})/.exec(s.slice(i + 1, i + 4)))) { text += String.fromCharCode(parseInt(m[1]!, 16)); i += 1 + m[0].length; continue; }
    if ((m = /^u([0-9a-fA-F]{1,4})/.exec(s.slice(i + 1, i + 6)))) { text += String.fromCodePoint(parseInt(m[1]!, 16)); i += 1 + m[0].length; continue; }
    if ((m = /^U([0-9a-fA-F]{1,8})/.exec(s.slice(i + 1, i + 10)))) { text += safeCodePoint(parseInt(m[1]!, 16)); i += 1 + m[0].length; continue; }
    if ((m = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4)))) { text += String.fromCharCode(parseInt(m[0], 8) & 0xff); i += 1 + m[0].length; continue; }
    if (e === 'c' && i + 2 < s.length) { text += String.fromCharCode(s.charCodeAt(i + 2) & 0x1f); i += 3; continue; }
    text += `\\${e}`; i += 2;
  }
  return { text, end: i + 1 };
}

const safeCodePoint = (n: number) => (n <= 0x10ffff ? String.fromCodePoint(n) : '');
