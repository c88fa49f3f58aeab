// Spellings of one MySQL/MariaDB statement, generated: the same tokens with other separators between them (spaces,
// newlines, every kind of comment, a comment or a space before `(`), keywords and function names in another case,
// strings in the other quote, runs of tokens inside executable comments every server expands. A server with the
// pinned sql_mode reads each as the statement it came from.

/** One token as written: strings and quoted names whole, two-character operators whole. */
const TOKEN = /'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"|`(?:[^`]|``)*`|<=>|<>|<=|>=|!=|\|\||&&|<<|>>|:=|@@|[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|\S/g;

export function tokensOf(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Separators that leave the statement as it was, and that may stand inside an executable comment. */
const SPACES = [' ', '\n', '\t', '  \n\t'];
/** Comments of every kind the server knows (an empty executable comment of a version no server has is one). */
const COMMENTS = ['/* c */', '/**/', '/* ( */', '-- c\n', '--\t(\n', '# c\n', '#\n', '/*!999999 */'];
const KEYWORDS = /^(?:SELECT|FROM|WHERE|AND|OR|NOT|IN|IS|NULL|AS|ORDER|BY|GROUP|LIMIT|DESC|ASC|JOIN|ON|UNION|ALL|CASE|WHEN|THEN|ELSE|END|BETWEEN|LIKE|REGEXP|DISTINCT|SEPARATOR|INTERVAL|DAY|SECOND|SIGNED|OVER|DIV|SHOW|GLOBAL|SESSION|VARIABLES|STATUS|HAVING)$/i;

/** A spelling of `tokens`, from `random` (0 ≤ x < 1). */
export function spell(tokens: string[], random: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const words = tokens.map((t, i) => {
    const isCall = tokens[i + 1] === '(' && /^[A-Za-z_]\w*$/.test(t) && tokens[i - 1] !== '.';
    if ((KEYWORDS.test(t) || isCall) && random() < 0.5) return random() < 0.5 ? t.toLowerCase() : mixedCase(t, random);
    if (/^'[^'"\\]*'$/.test(t) && random() < 0.3) return `"${t.slice(1, -1)}"`;
    return t;
  });
  // Runs of tokens every server reads as code: /*! … */ and /*!50000 … */ (only spaces may stand inside).
  const wrapped = new Set<number>();
  const opens = new Map<number, string>();
  const closes = new Set<number>();
  if (random() < 0.4) {
    const from = Math.floor(random() * words.length);
    const to = Math.min(words.length - 1, from + Math.floor(random() * 4));
    opens.set(from, pick(['/*!', '/*!', '/*!50000', '/*!40100']));
    closes.add(to);
    for (let i = from; i < to; i++) wrapped.add(i);
  }
  let out = '';
  for (let i = 0; i < words.length; i++) {
    if (opens.has(i)) out += `${opens.get(i)} `;
    out += words[i];
    if (closes.has(i)) out += ' */';
    if (i === words.length - 1) break;
    const glued = ['.', '@', '@@'].includes(words[i]!) || words[i + 1] === '.';
    if (glued) continue;
    const r = random();
    if (wrapped.has(i)) out += pick(SPACES);
    else if (r < 0.25) out += pick(COMMENTS);
    else if (r < 0.45) out += `${pick(SPACES)}${pick(COMMENTS)}${pick(SPACES)}`;
    else out += words[i + 1] === '(' && r < 0.7 ? '' : pick(SPACES);
  }
  return out;
}

function mixedCase(word: string, random: () => number): string {
  return [...word].map((c) => (random() < 0.5 ? c.toLowerCase() : c.toUpperCase())).join('');
}

/** Pieces of MySQL's lexical grammar where two readers may split the same text apart: number forms, strings in
 *  both quotes, character-set introducers, hex and bit literals, signs and `--` without a space, COLLATE. */
const ATOMS = ['1', '42', '1.5', '1.', '.5', '1e3', '1.e2', '2E-1', '0x41', "X'41'", "x'4a'", '0b101', "b'01'", "'a'", '"b"', "'it''s'",
  "'a\\'b'", "N'x'", "_utf8mb4'x'", "_latin1'y'", "_binary'z'", "_utf8mb4 'x'", 'NULL', 'TRUE'];
const JOINS = [' ', '', ' + ', '+', '-', '--', ' - -', '*', ' || ', ' COLLATE utf8mb4_bin ', ', ', '\n', ' -- x\n', '#x\n'];

/** A select-list expression of one to three atoms joined any way: generated, not picked. */
export function literalForm(random: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  let out = pick(ATOMS);
  for (let n = Math.floor(random() * 3); n > 0; n--) out += pick(JOINS) + pick(ATOMS);
  return out;
}
