// Step ids and labels written into Mermaid source. Mermaid reads more than its grammar: its preprocessor runs
// the directive regex (`%%{init: …}%%`, which sets the diagram's config and CSS) over the whole text, quoted
// labels included; `#word;` is an entity anywhere; a label starting with a backtick is Markdown, `$$…$$` is
// KaTeX. So a label keeps only characters that start nothing, and writes every other one as Mermaid's entity
// `#<decimal>;` (`%` as #37;, `#` as #35;), which Mermaid turns back into the character only after drawing.
import { terminalText } from '../common/terminal-text.js';

// Letters, digits, space and punctuation no Mermaid reading gives a meaning to inside a quoted label.
const SAFE = /^[A-Za-z0-9 .,'()[\]{}/?!+=-]$/;

/** A label for inside `"…"`: nothing in it can end the quotes or start Mermaid syntax. Control characters are
 *  first drawn as their visible symbols (␛), as everywhere the engine shows data. */
export function mermaidText(text: string): string {
  let out = '';
  for (const c of terminalText(text)) out += SAFE.test(c) ? c : `#${c.codePointAt(0)};`;
  return out;
}

/** A node id, one for each step id (restart_app and restart-app stay two nodes) and never a Mermaid keyword
 *  (end, graph, subgraph, style, class, click): `s_`, then `_` as `__`, `-` as `_h`, any other character
 *  outside [A-Za-z0-9] as `_u<hex>_`. */
export function mermaidId(id: string): string {
  let out = 's_';
  for (const c of id) out += /[A-Za-z0-9]/.test(c) ? c : c === '_' ? '__' : c === '-' ? '_h' : `_u${c.codePointAt(0)!.toString(16)}_`;
  return out;
}
