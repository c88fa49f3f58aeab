// Masking as a property (issue #29): random secrets (quotes, backslashes, `$`, entities' characters, spaces,
// unicode, 4–64 characters) through every expression function and their compositions, rendered by the engine into
// titles, commands (each quoting context), env, a for_each's items and labels (over a literal list: a list a
// secret flowed into is a route it chose, refused since stop 79), a capture used by the next step and the end message,
// and printed back by the step: no qualifying window (max(8, ⅔ of the length)) of the secret, of any value
// computed from it, or of the renderings the engine or bash make of them (shell quoting, JSON, $'…') is in any
// event. Then what a script prints: the secret cut at either or both ends, reversed, base32, HTML/XML entities,
// spaced out one character at a time, and one encoding of another, through the stream masker in random chunks.
// The encoders here are the test's own. Through a real run with bash: masking-e2e.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { harness } from '../helpers/scripted.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { StreamMasker } from '../../src/secrets/stream-masker.js';
import { json, leaked, RENDERINGS, SEPARATORS, sq } from './windows.js';

const ALPHABET = [...'abcXYZ019', "'", '"', '\\', '$', '`', '&', '<', '>', '%', '/', '+', '=', '-', '_', ':', '@', ' ', 'é', 'ß', 'Ω', '日', '本', '🔑'];
const secretArb = (chars = ALPHABET) => fc.array(fc.constantFrom(...chars), { minLength: 4, maxLength: 64 }).map((a) => a.join(''));

const EXPRESSIONS = [
  'S', 'upper(S)', 'lower(S)', 'trim(S)', 'json(S)', 'string(S)', 'json(json(S))', 'json([S, 1])', "join([S, 'x'], '-')",
  "'a' + S + 'b'", "split(S, 'x')", 'lines(S)', 'json(upper(S))', 'upper(json(S))', "default(S, 'x')", 'S + json(S)', '[S]',
  'json(lines(S))', "trim(' ' + json(S) + ' ')", 'string([json(S)])', "S == '' ? 'none' : json(S)", 'json(split(S, S))',
  // A table a step returned with the secret in it (secret by what it holds): find, top, the rows as text.
  "json(find(tbl.rows, 'name', 'x'))", "find(tbl.rows, 'name', 'x').v", "upper(top(tbl.rows, 'n').v)", 'string(tbl.rows)',
  "json([find(tbl.rows, 'name', 'x').v, S])",
];

function runbook(): string {
  const steps = EXPRESSIONS.map((expr, i) => {
    const e = expr.replaceAll('S', 'inputs.pw');
    return `  - id: e${i}
    title: "t \${{ ${e} }}"
    destructive: true
    confirm: "use \${{ ${e} }}?"
    shell:
      run: |
        printf '%s\\n' \${{ ${e} }} "d\${{ ${e} }}" 'q\${{ ${e} }}q' $'a\${{ ${e} }}'
        cat <<EOF
        h\${{ ${e} }}
        EOF
      env: { V: "\${{ ${e} }}", PASSWORD_FILE: /etc/x }
    capture: c${i}
  - id: f${i}
    shell: "echo \${{ c${i}.output }} \${{ [c${i}.output, ${e}][k] }}"
    for_each: { in: "[0, 1]", as: k, label: "item \${{ [c${i}.output, ${e}][k] }}" }`;
  });
  const params = EXPRESSIONS.flatMap((expr) => [`"\${{ ${expr.replaceAll('S', 'inputs.pw')} }}"`, `"p-\${{ ${expr.replaceAll('S', 'inputs.pw')} }}"`]);
  return `name: p
title: p
inputs:
  pw: { secret: true }
connections:
  db: { url: "postgres://u@127.0.0.1:1/db" }
steps:
  - id: table
    sql: { connection: db, query: "SELECT name, n, v FROM t" }
    capture: tbl
${steps.join('\n')}
  - id: sql
    destructive: true
    sql: { connection: db, query: "UPDATE t SET v = v", params: [${params.join(', ')}] }
  - { id: done, end: resolved, message: "m \${{ json(inputs.pw) }} \${{ json(json(inputs.pw)) }}" }
`;
}
const YAML = runbook();

/** A SQL parameter as the value it shows: every other one is `p-` + the expression's value, and that prefix says
 *  nothing of the secret (`p-aa` of trim(' aa ') is the value `aa`, too short to mask: docs/transcript.md). */
const param = (p: unknown, i: number): string => {
  const s = typeof p === 'string' ? p : JSON.stringify(p);
  return i % 2 === 1 && s.startsWith('p-') ? s.slice(2) : s;
};

/** Every string in the events. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

test('no window of a secret, of a value computed from it, or of their renderings, is in any event', async () => {
  await fc.assert(fc.asyncProperty(secretArb(), async (secret) => {
    const redactor = new Redactor();
    redactor.addValue(secret); // as resolveInputs does for a secret input
    const echo = async (action: unknown) => ({ stdout: `${(action as { values: string[] }).values.join('\n')}\n` });
    const script = { ...Object.fromEntries(EXPRESSIONS.flatMap((_, i) => [[`e${i}`, echo], [`f${i}`, echo]])), sql: { rows: [] }, table: { rows: [{ name: 'x', n: 1, v: secret }] } };
    const h = harness(YAML, script, { inputs: { pw: secret }, redactor });
    h.run.on((e) => { if (e.type === 'confirmation-requested') queueMicrotask(() => h.run.confirm(e.stepId, 'yes')); });
    const end = await h.run.start();
    assert.equal(end.outcome, 'resolved', end.message);
    const outputs = strings(h.events);
    const values = new Set([secret, ...h.calls.flatMap((c) => (c.action.kind === 'shell' ? [...c.action.values, ...Object.values(c.action.env)]
      : c.action.kind === 'sql' ? c.action.params.map(param) : []))]);
    assert.ok(h.calls.some((c) => c.action.kind === 'sql'), 'the SQL step ran');
    // Values that say nothing of the secret (json(split(S, S)) is '[]') are not looked for.
    // A row as JSON is mostly structure beside the secret (shown, as it should be): its secret is looked for as the
    // secret and its renderings.
    // Lines of fewer than 4 characters each (the trimmed lines of 'aa  ') are not masked by design (Redactor.add).
    const tiny = (v: string) => v.split('\n').every((l) => [...l.replace(/[[\]\s",]/g, '')].length < 4);
    for (const v of values) if (v === '/etc/x' || v.replace(/[[\]\s",]/g, '').length < 3 || tiny(v) || v.includes('"name"')) values.delete(v);
    for (const v of values) for (const r of RENDERINGS) {
      const found = leaked(outputs, r(v));
      assert.equal(found, undefined, `secret ${JSON.stringify(secret)}: value ${JSON.stringify(v)} shown: ${found}`);
    }
    // Not by masking everything: the step ids and the env path a credential-like name holds are shown.
    assert.ok(outputs.some((o) => o.includes('PASSWORD_FILE') || o === '/etc/x'));
  }), { numRuns: 60, includeErrorInReport: true });
});

// What a script prints: each encoding of the secret in a line of text, streamed in random chunks.
const bytes = (s: string) => Buffer.from(s, 'utf8');
function base32(s: string): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of bytes(s)) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += A[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}
const htmlMin = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
const ENCODERS: Record<string, (s: string) => string> = {
  json, sq, url: encodeURIComponent, base64: (s) => bytes(s).toString('base64'), hex: (s) => bytes(s).toString('hex'),
  base32, html: htmlMin, reversed: (s) => [...s].reverse().join(''),
};
const SINGLE: Record<string, (s: string) => string> = {
  ...ENCODERS,
  'html, every character decimal': (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join(''),
  'html, every character hex': (s) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(''),
  'xml text': (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;'),
};
const COMPOSED = Object.entries(ENCODERS).flatMap(([n1, e1]) => Object.entries(ENCODERS).map(([n2, e2]) => [`${n2} of ${n1}`, (s: string) => e2(e1(s))] as const));

function streamed(r: Redactor, text: string, cuts: number[]): string {
  const m = new StreamMasker(r);
  let out = '', at = 0;
  for (const c of [...new Set(cuts.map((x) => Math.min(x, text.length)))].sort((a, b) => a - b)) { out += m.push(text.slice(at, c)); at = c; }
  return out + m.push(text.slice(at)) + m.flush();
}

const cutsArb = fc.array(fc.nat({ max: 400 }), { maxLength: 6 });

test('what a script prints of a secret, encoded, cut, reversed, spaced or encoded twice, is masked', async () => {
  fc.assert(fc.property(secretArb(), cutsArb, fc.nat(), fc.nat(), (secret, cuts, a, b) => {
    const r = new Redactor();
    r.addValue(secret);
    const cps = [...secret];
    const w = Math.max(8, Math.ceil((2 * cps.length) / 3));
    const forms: [string, string][] = [...Object.entries(SINGLE), ...COMPOSED].map(([n, e]) => [n, e(secret)]);
    if (cps.length > w) { // a window cut at either or both ends
      const len = w + (a % (cps.length - w + 1));
      const start = b % (cps.length - len + 1);
      forms.push(['window', cps.slice(start, start + len).join('')], ['without the first', cps.slice(1).join('')], ['without the last', cps.slice(0, -1).join('')]);
    }
    for (const [name, form] of forms) {
      const out = streamed(r, `before ${form} after\n`, cuts);
      assert.equal(leaked([out], form) ?? leaked([out], secret), undefined, `${name} of ${JSON.stringify(secret)}: ${JSON.stringify(out)}`);
      // Masked, and not the whole line: a form may take in a neighbouring character that is also the secret's
      // (the reversed 'a aa' of 'aa a' before 'after' shows the secret itself: 'a aa a').
      assert.ok(out.startsWith('befor') && out.includes('****') && out.endsWith('\n'), `${name}: ${out}`);
    }
  }), { numRuns: 150, includeErrorInReport: true });
});

test('a secret printed one character at a time with a separator (spaces, lines, table cells) is masked', () => {
  // Whitespace and table rules cannot be a spaced-out secret's characters (secrets/spaced.ts).
  const chars = ALPHABET.filter((c) => c !== ' ');
  fc.assert(fc.property(secretArb(chars), fc.constantFrom(...SEPARATORS), cutsArb, (secret, sep, cuts) => {
    const r = new Redactor();
    r.addValue(secret);
    const spaced = [...secret].join(sep);
    const out = streamed(r, `| x |\n${spaced}${sep}\nend\n`, cuts);
    const collapsed = out.split(sep).join('');
    assert.equal(leaked([collapsed], secret) ?? leaked([out], spaced), undefined, `${JSON.stringify(sep)}, ${JSON.stringify(secret)}: ${JSON.stringify(out)}`);
    assert.ok(out.endsWith('\nend\n') && out.startsWith('| x |\n'), out);
  }), { numRuns: 150, includeErrorInReport: true });
});
