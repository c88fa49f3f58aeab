// The chunked line scanner (src/transcript/line-scan.ts, issue #51: a transcript of any size is read in bounded
// memory) against the reader it replaced, kept here as the oracle: the whole text split on newlines, each line
// judged with the next in view. Generated transcripts (fixed seed): valid lines with multi-byte characters, blank
// lines, lines torn at any byte, non-JSON lines, a resume after a torn line, files with and without a final
// newline; read with chunks of 1 to 64 bytes (so lines and characters straddle chunks) and the default. Also:
// streamTranscript hands over the same lines as readTranscript.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkLine } from '../../src/transcript/check-line.js';
import { scanLines, type Scanned, type ScanEnd } from '../../src/transcript/line-scan.js';
import { readTranscript, streamTranscript } from '../../src/transcript/reader.js';
import { recoverTornFinish } from '../../src/transcript/torn-finish.js';
import { rng } from '../helpers/rng.js';

const LINE_START = '{"type":"';
const parse = (t: string): unknown => { try { return JSON.parse(t) as unknown; } catch { return undefined; } };

/** The reader before #51, line for line (reader.ts at 69c2d6a), on the whole text. */
function oracle(text: string): { items: Scanned[]; end: ScanEnd } {
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  const items: Scanned[] = [];
  raw.forEach((lineText, i) => {
    if (!lineText.trim()) return;
    const value = parse(lineText);
    if (value === undefined) {
      const next = raw[i + 1];
      const nextIsResume = next !== undefined && (parse(next) as { type?: unknown } | undefined)?.type === 'resumed';
      const isLineStart = lineText.startsWith(LINE_START) || LINE_START.startsWith(lineText);
      if (i === raw.length - 1 || nextIsResume || (isLineStart && raw[i + 1]?.startsWith(LINE_START))) {
        const recovered = recoverTornFinish(lineText) as unknown as Record<string, unknown> | undefined;
        items.push({ kind: 'torn', n: i + 1, bytes: Buffer.byteLength(lineText), ...(recovered ? { recovered } : {}) });
      } else items.push({ kind: 'problem', text: `line ${i + 1}: not JSON` });
      return;
    }
    const why = checkLine(value);
    items.push(why ? { kind: 'problem', text: `line ${i + 1}: ${why}` } : { kind: 'line', n: i + 1, value: value as Record<string, unknown> });
  });
  return { items, end: { endsClean: text === '' || text.endsWith('\n'), count: raw.length } };
}

function scan(path: string, chunk?: number): { items: Scanned[]; end: ScanEnd } {
  const it = scanLines(path, chunk);
  const items: Scanned[] = [];
  for (let s = it.next(); ; s = it.next()) {
    if (s.done) return { items, end: s.value };
    items.push(s.value);
  }
}

const WORDS = ['ok', 'größe', '日本語', '🙂 emoji', 'a\\"quoted\\"', 'tab\\tsep', 'x'.repeat(70)];

function transcript(r: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const ts = '2026-11-26T07:00:00.000Z';
  const lines = [`{"type":"header","seq":0,"ts":"${ts}","format":1,"runId":"r","runbook":{"name":"t","title":"T","file":"/t.yaml","sha256":"${'0'.repeat(64)}"},"inputs":{},"operator":"o","host":"h","engineVersion":"0"}`];
  const n = 2 + Math.floor(r() * 12);
  for (let i = 1; i <= n; i++) {
    const kind = r();
    const line = kind < 0.4 ? `{"type":"step-output","seq":${i},"ts":"${ts}","stepId":"s","stream":"stdout","chunk":"${pick(WORDS)}\\n"}`
      : kind < 0.6 ? `{"type":"step-started","seq":${i},"ts":"${ts}","stepId":"s","title":"${pick(WORDS)}","kind":"shell","attempt":1,"destructive":false}`
        : kind < 0.75 ? `{"type":"step-finished","seq":${i},"ts":"${ts}","stepId":"s","attempt":1,"result":{"status":"ok","durationMs":1}}`
          : kind < 0.82 ? '' : kind < 0.88 ? `not json ${pick(WORDS)}` : `{"type":"resumed","seq":${i},"ts":"${ts}","stepId":"s","phase":"run"}`;
    // Torn at any byte, now and then (the writer starts its next line on a line of its own).
    lines.push(r() < 0.15 && line.length > 2 ? Buffer.from(line).subarray(0, 1 + Math.floor(r() * (Buffer.byteLength(line) - 1))).toString('utf8') : line);
  }
  return lines.join('\n') + (r() < 0.7 ? '\n' : '') + (r() < 0.1 ? '\n\n' : '');
}

test('the chunked scanner reads every generated transcript as the whole-text reader did, whatever the chunk size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-scan-'));
  const r = rng(51);
  for (let i = 0; i < 400; i++) {
    const text = transcript(r);
    const file = join(dir, `t${i}.jsonl`);
    writeFileSync(file, text);
    const want = oracle(text);
    for (const chunk of [1, 2, 3, 7, 64, undefined]) assert.deepEqual(scan(file, chunk), want, `transcript ${i}, chunk ${chunk}:\n${text}`);
  }
});

test('streamTranscript hands over what readTranscript reads, header first, and the same end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-scan-'));
  const r = rng(52);
  let compared = 0;
  for (let i = 0; i < 200; i++) {
    const file = join(dir, `t${i}.jsonl`);
    writeFileSync(file, transcript(r));
    let whole;
    try { whole = readTranscript(file); } catch (e) {
      assert.throws(() => [...streamTranscript(file)], { message: (e as Error).message });
      continue;
    }
    const it = streamTranscript(file);
    const streamed = [];
    let s = it.next();
    for (; !s.done; s = it.next()) streamed.push(s.value);
    assert.deepEqual(streamed, [whole.header, ...whole.lines]);
    assert.deepEqual(s.value, { torn: whole.torn, problems: whole.problems, endsClean: whole.endsClean, tornTail: whole.tornTail });
    compared++;
  }
  assert.ok(compared > 50, `${compared} readable transcripts compared`);
});
