// Runbook texts to break: every built-in runbook, the examples and the broken fixtures, plus mutations
// of them as plain data (so fast-check can shrink a failure to the smallest edit that causes it).
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const dirs = [join(ROOT, 'runbooks'), join(ROOT, 'runbooks', 'examples'), join(ROOT, 'test', 'fixtures', 'invalid')];

export const CORPUS: { name: string; text: string }[] = dirs.flatMap((dir) => readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.cases.yaml'))
  .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') })));

/** Values of the wrong type, YAML oddities and the tags js-yaml knows. */
const WRONG = ['42', '-1', '0', '3.5', '1e999', '-.inf', '.nan', '0x1F', '0o17', 'true', 'no', 'null', '~', '[]', '{}', '[a, b]',
  '{a: 1}', '""', "''", '2024-01-01', '2001-12-14t21:59:43.10-05:00', '!!binary aGVsbG8=', '!!str 1', '!!int x', '!!float y',
  '!!set {a, b}', '!!omap [a: 1]', '!!pairs [a: 1]', '!!js/function "f"', '!!python/object x', '!<tag:yaml.org,2002:map> {}',
  '*nope', '&anchor', '<<: {a: 1}', '<<: *nope', '|', '>-', '"unterminated', "'unterminated", '-', '- - -', '? a', ': b', '#', '%', '@', '`',
  '${{', '}}', '${{ }}', '${{ inputs }}', '${{ inputs.nope }}', '${{ steps[ }}', '${{ a ? b }}', '${{ __proto__.x }}',
  '${{ constructor.constructor }}', '${{ steps["x"].y }}', '${{ json(inputs) }}', '${{ 1 < 2 < 3 }}', '$(touch /tmp/x)'];

/** Inserted at a random offset: structure characters, names, control and unusual code points. */
const WORDS = [...WRONG, ':', ': ', '- ', '\n', '\n  ', '\n    - ', '  ', '\t', '\r', '\r\n', '\u0000', '\u0007', '\u001b[2J', '\u007f',
  '\u0085', '\u00a0', '\u200b', '\u2028', '\u2029', '\u202e', '\ufeff', '\ufffd', '\ud800', '\udfff', '😀', 'é', 'İ', '---', '...',
  '%YAML 1.1\n---\n', 'id: ', 'steps:', 'next: ', 'goto: ', 'on: ', 'end: resolved', 'destructive: true', 'max_visits: ',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__proto__: {polluted: 1}', '"__proto__": x'];

export type Mutation =
  | { kind: 'delete-lines'; at: number; count: number }
  | { kind: 'duplicate-lines'; at: number; count: number; times: number }
  | { kind: 'swap-lines'; a: number; b: number }
  | { kind: 'indent'; at: number; delta: number; tab: boolean }
  | { kind: 'wrong-type'; at: number; value: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'replace-char'; at: number; code: number }
  | { kind: 'huge'; at: number; what: 'string' | 'number' | 'key' | 'list' | 'steps' | 'expression'; size: number }
  | { kind: 'deep'; at: number; depth: number; style: 'flow-seq' | 'flow-map' | 'block-map' | 'block-seq' | 'expression' }
  | { kind: 'alias-bomb'; at: number; levels: number; fanout: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'edit-expression'; at: number; text: string };

const pos = fc.nat({ max: 1_000_000 });
const weird = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete-lines' as const), at: pos, count: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('duplicate-lines' as const), at: pos, count: fc.integer({ min: 1, max: 8 }), times: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('swap-lines' as const), a: pos, b: pos }),
  fc.record({ kind: fc.constant('indent' as const), at: pos, delta: fc.integer({ min: -6, max: 6 }), tab: fc.boolean() }),
  fc.record({ kind: fc.constant('wrong-type' as const), at: pos, value: fc.oneof(fc.constantFrom(...WRONG), weird) }),
  fc.record({ kind: fc.constant('insert' as const), at: pos, text: fc.oneof(fc.constantFrom(...WORDS), weird) }),
  fc.record({ kind: fc.constant('replace-char' as const), at: pos, code: fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })) }),
  fc.record({ kind: fc.constant('huge' as const), at: pos, what: fc.constantFrom('string', 'number', 'key', 'list', 'steps', 'expression'), size: fc.integer({ min: 1, max: 400_000 }) }),
  fc.record({ kind: fc.constant('deep' as const), at: pos, depth: fc.integer({ min: 2, max: 5000 }), style: fc.constantFrom('flow-seq', 'flow-map', 'block-map', 'block-seq', 'expression') }),
  fc.record({ kind: fc.constant('alias-bomb' as const), at: pos, levels: fc.integer({ min: 1, max: 12 }), fanout: fc.integer({ min: 2, max: 12 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: pos }),
  fc.record({ kind: fc.constant('edit-expression' as const), at: pos, text: fc.oneof(
    fc.constantFrom(' and nope', ' or inputs.nope', ' == steps.nope.x', ' + (', ' ? 1', ')', ' "open', ' matches "("', ' nope(1)', ' __proto__', ' and result.x'),
    fc.array(fc.constantFrom(' ', 'a', '.', '(', ')', '[', ']', "'", '"', '\\', '!', '?', ':', ',', '1', 'inputs', 'steps', 'result'), { maxLength: 10 }).map((a) => a.join('')),
  ) }),
);

export const mutatedRunbook = fc.record({
  base: fc.nat({ max: CORPUS.length - 1 }),
  mutations: fc.array(mutation, { minLength: 0, maxLength: 4 }),
});

export function apply(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const line = (at: number) => at % Math.max(1, lines.length);
  const offset = (at: number) => at % (text.length + 1);
  switch (m.kind) {
    case 'delete-lines': lines.splice(line(m.at), m.count); return lines.join('\n');
    case 'duplicate-lines': {
      const i = line(m.at);
      const block = lines.slice(i, i + m.count);
      lines.splice(i, 0, ...Array.from({ length: m.times }, () => block).flat());
      return lines.join('\n');
    }
    case 'swap-lines': {
      const a = line(m.a), b = line(m.b);
      [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
      return lines.join('\n');
    }
    case 'indent': {
      const i = line(m.at);
      const l = lines[i] ?? '';
      lines[i] = m.delta >= 0 ? (m.tab ? '\t' : ' '.repeat(m.delta)) + l : l.replace(new RegExp(`^ {0,${-m.delta}}`), '');
      return lines.join('\n');
    }
    case 'wrong-type': return replaceValue(lines, line(m.at), m.value);
    case 'insert': { const o = offset(m.at); return text.slice(0, o) + m.text + text.slice(o); }
    case 'replace-char': { const o = offset(m.at); return text.slice(0, o) + String.fromCharCode(m.code) + text.slice(o + 1); }
    case 'truncate': return text.slice(0, offset(m.at));
    case 'edit-expression': {
      // Inside an expression or template, wherever it is written: plain, quoted, folded or block.
      const sites = lines.flatMap((l, i) => (/\$\{\{|\b(if|until):|\b(and|or)\b|==/.test(l) ? [i] : []));
      if (!sites.length) return text;
      const i = sites[m.at % sites.length]!;
      const l = lines[i]!;
      const close = l.lastIndexOf('}}');
      const quote = /["']\s*$/.exec(l)?.index;
      const at = close >= 0 ? close : quote ?? l.length;
      lines[i] = l.slice(0, at) + m.text + l.slice(at);
      return lines.join('\n');
    }
    case 'huge': return replaceValue(lines, line(m.at), huge(m.what, m.size), m.what === 'key');
    case 'deep': return replaceValue(lines, line(m.at), deep(m.style, m.depth, indentOf(lines[line(m.at)] ?? '')));
    case 'alias-bomb': {
      const anchors = [`b0: &b0 [${Array(m.fanout).fill('x').join(', ')}]`];
      for (let l = 1; l <= m.levels; l++) anchors.push(`b${l}: &b${l} [${Array(m.fanout).fill(`*b${l - 1}`).join(', ')}]`);
      // The anchors first (unknown top-level keys), then the biggest alias wherever a value stood.
      return `${anchors.join('\n')}\n${replaceValue(lines, line(m.at), `*b${m.levels}`)}`;
    }
  }
}

export const mutate = (base: number, mutations: Mutation[]): string =>
  mutations.reduce((text, m) => apply(text, m), CORPUS[base]!.text);

const indentOf = (l: string) => /^[ -]*/.exec(l)?.[0].replace(/-/g, ' ').length ?? 0;

/** Replaces what follows `key:` on the line (or the whole line's content when it has no key). */
function replaceValue(lines: string[], i: number, value: string, asKey = false): string {
  const l = lines[i] ?? '';
  const m = /^(\s*(?:-\s+)?)([^:#\n]*?):(\s|$)/.exec(l);
  if (asKey) lines[i] = m ? `${m[1]}${value}:${l.slice(m[0].length - m[3]!.length)}` : `${value}: x`;
  else lines[i] = m ? `${m[1]}${m[2]}: ${value}` : `${/^\s*(-\s+)?/.exec(l)?.[0] ?? ''}${value}`;
  return lines.join('\n');
}

function huge(what: string, size: number): string {
  switch (what) {
    case 'string': return `"${'x'.repeat(size)}"`;
    case 'number': return '9'.repeat(Math.min(size, 5000));
    case 'key': return 'k'.repeat(size);
    case 'list': return `[${Array(Math.min(size, 100_000)).fill('1').join(', ')}]`;
    case 'expression': return `"\${{ ${Array(Math.min(size, 50_000)).fill('a').join(' + ')} }}"`;
    default: { // many steps, each a shell step going on to the next
      const n = Math.min(size, 20_000);
      return `\n${Array.from({ length: n }, (_, i) => `  - { id: s${i}, shell: 'true', next: s${(i + 1) % n} }`).join('\n')}`;
    }
  }
}

function deep(style: string, depth: number, indent: number): string {
  switch (style) {
    case 'flow-seq': return `${'['.repeat(depth)}${']'.repeat(depth)}`;
    case 'flow-map': return `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    case 'expression': return `"\${{ ${'('.repeat(depth)}1${')'.repeat(depth)} }}"`;
    case 'block-seq': return `\n${Array.from({ length: Math.min(depth, 300) }, (_, i) => `${' '.repeat(indent + 2 + i * 2)}-`).join('\n')} x`;
    default: return `\n${Array.from({ length: Math.min(depth, 300) }, (_, i) => `${' '.repeat(indent + 2 + i * 2)}k${i}:`).join('\n')} x`;
  }
}
