// Appends lines to a transcript: each gets its seq and UTC time, is written synchronously, and is synced
// to disk when it marks a step boundary or a confirmation, so a crash loses at most the output of the step
// in flight. Any failure throws: the run treats the transcript as critical and stops.
import { closeQuietly, syncFile, writeAll } from './file.js';

/** Lines that are not synced on their own: the next boundary (a step start or finish, a confirmation) syncs
 *  them. Losing them in a crash loses nothing resume needs: a finished step's branch is taken again from its
 *  recorded result, and a skip by condition is evaluated again. One fsync less per step. */
export const UNSYNCED = new Set(['step-output', 'branch', 'step-skipped']);

export class TranscriptWriter {
  private closed = false;

  constructor(private readonly fd: number, readonly path: string, private nextSeq = 0, private readonly now: () => Date = () => new Date()) {}

  get seq(): number { return this.nextSeq; }

  /** Writes one line `{type, seq, ts, …fields}`. */
  write(line: { type: string } & Record<string, unknown>): void {
    if (this.closed) throw new Error(`transcript ${this.path} is closed`);
    const { type, ...fields } = line;
    const record = { type, seq: this.nextSeq, ts: this.now().toISOString(), ...fields };
    writeAll(this.fd, `${JSON.stringify(record)}\n`);
    this.nextSeq++;
    if (!UNSYNCED.has(line.type)) syncFile(this.fd);
  }

  /** Raw text, not a line (ends a torn line on resume); the sync of the next line covers it. */
  writeRaw(text: string): void {
    writeAll(this.fd, text);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try { syncFile(this.fd); } catch { /* the last synced line is what survives */ }
    closeQuietly(this.fd);
  }
}
