// Figure: the stream masker's cost per chunk of output, in process, by the length of the registered secret
// (issue #29). A run's own secret gets the forms a script can print of it (secrets/script-forms.ts: windows,
// reversed, base32, entities, two encodings: a few hundred literals, more for a longer secret), and the masker
// reads every chunk for them and for a spaced-out run. Measured against the same secret with the encodings only
// (as a value computed from a secret is registered), so the ratio is what the script forms cost.
import { Redactor } from '../../src/secrets/redactor.js';
import { StreamMasker } from '../../src/secrets/stream-masker.js';
import type { BenchContext } from '../lib/context.js';
import { median } from '../lib/stats.js';
import { type Row } from '../lib/table.js';

/** Log-like lines: words, numbers, a path, some punctuation. */
function chunkOf(bytes: number, seed: number): string {
  let out = '';
  for (let i = seed; out.length < bytes; i++) out += `2026-11-24T00:${String(i % 60).padStart(2, '0')}:00Z INFO worker-${i % 7} handled /api/v1/items/${i * 7919 % 100000} in ${i % 97} ms (ok, retries=0)\n`;
  return out.slice(0, bytes);
}

function secretOf(length: number): string {
  const alphabet = `abcXYZ0123456789'"\\$&<>%/+=-_:@é`;
  let s = '';
  for (let i = 0; s.length < length; i++) s += alphabet[(i * 7 + 3) % alphabet.length];
  return s;
}

/** CPU microseconds per chunk (user + system: a loaded machine inflates wall time far more), one pass. */
function pass(r: Redactor, chunk: string[]): number {
  const m = new StreamMasker(r);
  const c0 = process.cpuUsage();
  for (const c of chunk) m.push(c);
  m.flush();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / chunk.length;
}

/** Both redactors' medians over `rounds` passes taken in turn, so drift in the machine's load hits both alike. */
function perChunk(a: Redactor, b: Redactor, chunk: string[], rounds: number): [number, number] {
  const sa: number[] = [], sb: number[] = [];
  for (let round = 0; round < rounds; round++) { sa.push(pass(a, chunk)); sb.push(pass(b, chunk)); }
  return [median(sa), median(sb)];
}

export async function maskChunk(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const bytes of [4096, 65536]) {
    const chunks = Array.from({ length: bytes === 4096 ? 400 : 40 }, (_, i) => chunkOf(bytes, i * 13));
    for (const length of [8, 24, 64, 128, 1024]) {
      const full = new Redactor();
      full.addValue(secretOf(length));
      const light = new Redactor();
      light.addValue(secretOf(length), true);
      perChunk(full, light, chunks, 2); // warm
      const [us, base] = perChunk(full, light, chunks, Math.max(ctx.rounds, 9));
      ctx.log(`${bytes} B chunks, a ${length}-character secret: ${us.toFixed(0)} µs (encodings only: ${base.toFixed(0)} µs), ${full.size} forms`);
      rows.push({
        id: `mask-chunk-${bytes}-${length}`, figure: `stream masker, ${bytes / 1024} KiB chunk, ${length}-character secret`,
        value: `${us.toFixed(0)} µs`, anchor: `encodings only: ${base.toFixed(0)} µs`, ratio: `${(us / base).toFixed(2)}×`,
        target: '—', met: null, metric: us,
        note: `${full.size} forms registered; CPU time, median of ${Math.max(ctx.rounds, 9)} passes over ${chunks.length} chunks, taken in turn with the anchor`,
      });
    }
  }
  return rows;
}
