// Is this file a transcript? Decided by content, not by name: its first line is a transcript header.
// Writers use it to never overwrite one (`report -o t.jsonl` must not replace the record it reads).
import { closeSync, openSync, readSync } from 'node:fs';

const PEEK = 64 * 1024;

/** True when the first line of `text` is a transcript header. */
export function startsLikeTranscript(text: string): boolean {
  const first = text.split('\n', 1)[0] ?? '';
  try {
    const line = JSON.parse(first) as { type?: unknown } | null;
    return line !== null && typeof line === 'object' && line.type === 'header';
  } catch {
    // A header longer than the peek is cut: still recognisable by how it starts.
    return first.length >= PEEK - 1 && /^\{"type":"header",/.test(first);
  }
}

/** Reads the start of an open file (without moving any shared position) and checks it. */
export function fdHoldsTranscript(fd: number): boolean {
  const buf = Buffer.alloc(PEEK);
  let n = 0;
  try { n = readSync(fd, buf, 0, PEEK, 0); } catch { return false; }
  return startsLikeTranscript(buf.subarray(0, n).toString('utf8'));
}

export function fileHoldsTranscript(path: string): boolean {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return false; }
  try { return fdHoldsTranscript(fd); } finally { closeSync(fd); }
}
