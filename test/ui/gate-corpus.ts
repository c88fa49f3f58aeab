// A generated corpus of characters that have fooled a gate (issue 44): every Unicode format character (Cf), a
// seeded sample of combining marks, every variation selector of the BMP and a sample of the supplement's, the
// fillers and blanks that draw nothing (Hangul fillers, Braille blank, U+034F, Mongolian selectors, Khmer vowels),
// wide and ambiguous-width blocks, other spaces and controls, and lookalikes of the engine's own marks (↪ … ⇥ · ×
// ‹ › ⏎ │) and of its words in ASCII. Fixed seed: the same corpus every run.
import { rng } from '../helpers/rng.js';

const every = (re: RegExp, from = 0, to = 0x10ffff): number[] => {
  const out: number[] = [];
  for (let cp = from; cp <= to; cp++) if (re.test(String.fromCodePoint(cp))) out.push(cp);
  return out;
};
const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
const sample = (from: number[], n: number, rand: () => number): number[] => {
  const pool = [...from];
  const out: number[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]!);
  return out;
};

export interface Corpus { chars: number[]; ascii: string[] }

export function gateCorpus(seed = 44): Corpus {
  const rand = rng(seed);
  const format = every(/\p{Cf}/u);
  const marks = sample(every(/[\p{Mn}\p{Me}]/u), 120, rand);
  const selectors = [...range(0xfe00, 0xfe0f), ...sample(range(0xe0100, 0xe01ef), 16, rand)];
  const fillers = [0x115f, 0x1160, 0x3164, 0xffa0, 0x2800, 0x034f, 0x180b, 0x180c, 0x180d, 0x180f, 0x17b4, 0x17b5, 0x2060, 0x200b, 0x200c, 0x200d, 0xfeff, 0x00ad];
  const wide = [...sample(range(0x4e00, 0x9fff), 12, rand), ...sample(range(0xac00, 0xd7a3), 6, rand), ...sample(range(0xff01, 0xff5e), 8, rand),
    ...sample(range(0x1f300, 0x1f64f), 10, rand), 0x3000, 0x2e80, 0x3041, 0x1f1e6];
  const ambiguous = [...sample(every(/./u, 0xa1, 0x2ff), 20, rand), ...sample(range(0x391, 0x3c9), 8, rand), ...sample(range(0x410, 0x44f), 8, rand),
    ...sample(range(0x2500, 0x257f), 10, rand), ...sample(range(0x2460, 0x24e9), 6, rand), 0x2026, 0x00b7, 0x00d7, 0x2192, 0x25a0];
  const spaces = [...every(/\p{Zs}/u).filter((c) => c !== 0x20), 0x2028, 0x2029, 0x85];
  const controls = [...range(0x01, 0x08), 0x0b, 0x0c, 0x0d, ...range(0x0e, 0x1f), 0x7f, ...sample(range(0x80, 0x9f), 8, rand)];
  const marksOfEngine = [0x21aa, 0x2026, 0x21e5, 0x00b7, 0x00d7, 0x2039, 0x203a, 0x23ce, 0x240d, 0x2502, 0x2551, 0x256d, 0x2192, 0x21b3, 0x2937, 0x2b11, 0x2023, 0x2038, 0x22ef, 0xff1c, 0xfe64];
  const chars = [...new Set([...format, ...marks, ...selectors, ...fillers, ...wide, ...ambiguous, ...spaces, ...controls, ...marksOfEngine])];
  // ASCII that reads like the engine's marks and words: drawn as it is (a `<` before `U+` named), never taken for them.
  const ascii = ['<U+200D>', '...', '->', '|', '(c:see-all)', '<U+2026>', 'U+21AA'];
  return { chars, ascii };
}

/** How the gate names a character (visible-text.ts exactLine). */
export const escapeOf = (cp: number): string => `‹U+${cp.toString(16).toUpperCase().padStart(4, '0')}›`;

/** A runbook of gated steps, each a batch of the corpus in comment lines (`# L007 a<c>b a<c>b …`), so a gate holds
 *  many characters; each step then touches `<file>.<n>` (whether its y was taken). YAML double-quoted escapes carry
 *  every character, controls included. */
export function corpusRunbook(corpus: Corpus, perLine = 5, gateCount = 4): { yaml: string; gates: string[][][] } {
  // ASCII as it is, but a `<` before `U+`, which is named: in ASCII (LANG=C) the escape's ‹ is drawn `<` (stop 80).
  const tokens = [...corpus.chars.map((cp) => ({ raw: `a${String.fromCodePoint(cp)}b`, shown: `a${escapeOf(cp)}b` })),
    ...corpus.ascii.map((a) => ({ raw: `a${a}b`, shown: `a${a.replace(/<(?=U\+)/g, escapeOf(0x3c))}b` }))];
  const lines: { raw: string; shown: string[] }[] = [];
  for (let i = 0; i < tokens.length; i += perLine) {
    const batch = tokens.slice(i, i + perLine);
    const tag = `L${String(lines.length + 1).padStart(3, '0')}`;
    lines.push({ raw: `# ${tag} ${batch.map((t) => t.raw).join(' ')}`, shown: [tag, ...batch.map((t) => t.shown)] });
  }
  const linesPerGate = Math.ceil(lines.length / gateCount);
  const gates: string[][][] = [];
  const steps: string[] = [];
  for (let g = 0; g * linesPerGate < lines.length; g++) {
    const mine = lines.slice(g * linesPerGate, (g + 1) * linesPerGate);
    gates.push(mine.map((l) => l.shown));
    const script = `${mine.map((l) => l.raw).join('\n')}\ntouch "\${{ inputs.file }}.${g}"`;
    steps.push(`  - id: gate-${g}\n    title: Corpus batch ${g}\n    destructive: true\n    shell: ${yamlQuoted(script)}\n`);
  }
  const yaml = `name: gate-corpus\ntitle: The gate corpus\nsummary: Generated (test/ui/gate-corpus.ts).\ninputs:\n  file: { description: marker prefix, required: true }\nsteps:\n${steps.join('')}  - id: done\n    end: resolved\n    message: every batch confirmed\n`;
  return { yaml, gates };
}

export function yamlQuoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}
