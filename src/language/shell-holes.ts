// Where each ${{ }} hole stands in a bash script. A value never becomes script text: it is passed as a
// positional parameter, and the reference to it must suit where it stands. Outside quotes "${N}" is one
// inert word; inside "…" a bare ${N} is (adding quotes there would close them, leaving the value word-split
// and glob-expanded: `rm -rf "/srv/${{ x }}"` with x = `a /` would remove /); inside '…' the quotes must be
// closed around it. Two places cannot hold a value safely and are reported by the validator: a quoted
// here-document (no expansion at all) and arithmetic contexts — `(( ))`, `$(( ))`, `[[ -eq/-lt/… ]]`, `let`,
// an array index — where bash evaluates the value as an expression and a value such as `a[$(rm -rf ~)]` runs.

export const HOLE = '\u0000';
export type HoleContext = 'word' | 'double' | 'single' | 'ansi' | 'heredoc' | 'quoted-heredoc' | 'arithmetic';

type Kind = 'sh' | 'dq' | 'sq' | 'ansi' | 'cmd' | 'tick' | 'brace' | 'arith' | 'test' | 'let';
interface Frame { kind: Kind; parens: number; holes: number[]; arithmetic: boolean }

/** The context of each hole (HOLE in `s`), in order. A small scanner of bash quoting: enough for runbook
 *  scripts; where it loses track it keeps the outside-quotes default. */
export function holeContexts(s: string): HoleContext[] {
  const out: HoleContext[] = [];
  const stack: Frame[] = [{ kind: 'sh', parens: 0, holes: [], arithmetic: false }];
  const top = () => stack[stack.length - 1]!;
  const push = (kind: Kind) => stack.push({ kind, parens: 0, holes: [], arithmetic: false });
  const heredocs: { tag: string; strip: boolean; quoted: boolean }[] = [];
  const commandStart = (i: number) => {
    const before = s.slice(Math.max(0, i - 200), i).replace(/[ \t]+$/, '');
    return (i <= 200 && before === '') || /[\n;&|(!{]$|\b(if|while|until|then|do|else|elif)$/.test(before);
  };
  let i = 0;
  // Checks the current character first: most characters start none of these, and this runs on every one.
  const at = (t: string) => s[i] === t[0] && s.startsWith(t, i);
  for (; i < s.length; i++) {
    const c = s[i]!;
    const f = top();
    if (c === HOLE) {
      if (f.kind === 'dq') out.push('double');
      else if (f.kind === 'sq') out.push('single');
      else if (f.kind === 'ansi') out.push('ansi');
      else if (f.kind === 'arith' || f.kind === 'let' || (f.kind === 'brace' && f.arithmetic)) out.push('arithmetic');
      else if (f.kind === 'test') { f.holes.push(out.length); out.push('word'); } // decided at ]]
      else out.push(/[A-Za-z0-9_]\[[^\]\s]*$/.test(s.slice(Math.max(0, i - 40), i)) ? 'arithmetic' : 'word'); // name[…]
      continue;
    }
    if (f.kind === 'sq') { if (c === "'") stack.pop(); continue; }
    const escaped = c === '\\' && s[i + 1] !== HOLE; // a hole is never skipped, escaped or not
    if (f.kind === 'ansi') { if (escaped) i++; else if (c === "'") stack.pop(); continue; }
    if (escaped) { i++; continue; }
    if (f.kind === 'dq') {
      if (c === '"') stack.pop();
      else if (at('$((')) { push('arith'); i += 2; } else if (at('$(')) { push('cmd'); i++; } else if (at('${')) { push('brace'); i++; } else if (c === '`') push('tick');
      continue;
    }
    // Shell-like contexts from here on: sh, cmd, tick, brace, arith, test, let.
    if (f.kind === 'tick' && c === '`') { stack.pop(); continue; }
    if (f.kind === 'brace') {
      if (c === '}') { stack.pop(); continue; }
      if (c === '[') f.arithmetic = true;
      if (c === ']') f.arithmetic = false;
    }
    if (f.kind === 'arith') {
      if (c === '(') f.parens++;
      else if (c === ')') { if (f.parens > 0) f.parens--; else { stack.pop(); i++; } } // the second ')' of '))'
      continue;
    }
    if (f.kind === 'test') {
      if (at(']]')) { stack.pop(); i++; if (f.arithmetic) for (const h of f.holes) out[h] = 'arithmetic'; continue; }
      if (/^-(eq|ne|lt|le|gt|ge)\b/.test(s.slice(i, i + 4))) f.arithmetic = true;
    }
    if (f.kind === 'let' && /[\n;&|]/.test(c)) stack.pop();
    if (f.kind === 'cmd') {
      if (c === '(') f.parens++;
      else if (c === ')') { if (f.parens > 0) f.parens--; else { stack.pop(); continue; } }
    }
    if (c === "'") push('sq');
    else if (at("$'")) { push('ansi'); i++; }
    else if (c === '"') push('dq');
    else if (at('$((')) { push('arith'); i += 2; }
    else if (at('$(')) { push('cmd'); i++; }
    else if (at('${')) { push('brace'); i++; }
    else if (c === '`') push('tick');
    else if (at('((') && commandStart(i)) { push('arith'); i++; }
    else if (at('[[') && commandStart(i)) { push('test'); i++; }
    else if (/^let\s/.test(s.slice(i, i + 4)) && commandStart(i)) { push('let'); i += 3; }
    else if (/^(declare|typeset|local)\s+-[A-Za-z]*i/.test(s.slice(i, i + 20)) && commandStart(i)) push('let');
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) {
      const end = s.indexOf('\n', i) < 0 ? s.length : s.indexOf('\n', i);
      for (const ch of s.slice(i, end)) if (ch === HOLE) out.push('word'); // a comment: nothing runs
      i = end - 1;
    }
    else if (at('<<') && !at('<<<')) {
      const m = /^<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(s.slice(i));
      if (m) { heredocs.push({ tag: m[3]!, strip: m[1] === '-', quoted: m[2] !== '' }); i += m[0].length - 1; }
    } else if (c === '\n' && heredocs.length) {
      // Here-document bodies start on the next line and run to their delimiter lines.
      let pos = i + 1;
      for (const h of heredocs.splice(0)) {
        for (;;) {
          const nl = s.indexOf('\n', pos);
          const line = s.slice(pos, nl < 0 ? s.length : nl);
          if ((h.strip ? line.replace(/^\t+/, '') : line) === h.tag) { pos = nl < 0 ? s.length : nl + 1; break; }
          for (const ch of line) if (ch === HOLE) out.push(h.quoted ? 'quoted-heredoc' : 'heredoc');
          if (nl < 0) { pos = s.length; break; }
          pos = nl + 1;
        }
      }
      i = pos - 1;
    }
  }
  return out;
}

/** How the engine writes the reference `ref` (`${RUNBOOK_V1}`) to a value where a hole stands: "${V}" outside
 *  quotes, ${V} inside "…" or a here-document, '"${V}"' inside '…' (and $'…'). */
export function holeReference(where: HoleContext, ref: string): string {
  if (where === 'double' || where === 'heredoc') return ref;
  if (where === 'single' || where === 'ansi') return `'"${ref}"${where === 'ansi' ? "$'" : "'"}`;
  return `"${ref}"`;
}
