// Masks a stream arriving in chunks, and shows it as it comes: only the shortest tail that more of the stream
// could make (part of) a masked form of a secret is held back (secrets/hold.ts), read again with the next chunk,
// and everything before it is released at once, masked. A line that can be no part of a secret is never held; a
// held tail is released, masked as it stands, once the stream has been quiet for QUIET_MS, so nothing waits for
// the step to end. Released text is kept a little (how far a secret spreads, from a line's start) to read what
// follows in its context: a dump's or a base64 block's lines, a secret whose start was released when the stream
// went quiet (its rest is then masked too). Never cut inside a secret found: a dump's text column may still be
// arriving, a longer form of it may still be.
import { merge, render, type Redactor } from './redactor.js';

/** How long a stream may be quiet before its held tail is released. */
export const QUIET_MS = 150;
/** How far back from what is kept a line's start is looked for (a longer line is kept from where it is cut). */
const LINE_WINDOW = 4096;

export class StreamMasker {
  /** Released text kept for context, then the held tail (from `released`). */
  private buffer = '';
  private released = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `emit` receives what a quiet stream releases; without it, a held tail waits for the next chunk or flush(). */
  constructor(private readonly redactor: Redactor, private readonly emit?: (text: string) => void, private readonly quietMs = QUIET_MS) {
    redactor.scriptFormsNow(); // a script's output: what it can print of every secret (Redactor.addLater)
  }

  /** What is held back now. */
  get held(): string { return this.buffer.slice(this.released); }

  push(chunk: string): string {
    this.stopTimer();
    if (this.redactor.size === 0) { const out = this.held + chunk; this.buffer = ''; this.released = 0; return out; }
    const text = this.buffer + chunk;
    const { ranges, spans } = this.redactor.ranges(text, false);
    const hold = this.redactor.hold(text, this.released);
    let cut = hold.at;
    // Back to the start of any secret the cut would fall inside (one match, or one spread over a dump's lines, not
    // a run of them back to back), or that has a match on a dump line whose text column is still to come, so
    // that it is read whole with what follows. Never further back than twice the holdback: secrets that overlap
    // one another all along (aaaa in aaaaaaaa…) must not hold the stream back.
    const floor = Math.max(this.released, cut - 2 * this.redactor.holdback);
    const open = hold.dumpLine ?? Infinity;
    for (let moved = true; moved;) {
      moved = false;
      for (const [a, b] of spans) if (a < cut && (cut < b || b > open) && a >= floor) { cut = a; moved = true; }
    }
    const out = render(text, ranges, cut, this.released);
    this.keep(text, cut);
    this.startTimer();
    return out;
  }

  /** Releases the held tail, masked as it stands: the stream has ended, or gone quiet. What of it is a piece of a
   *  secret's form so far (its start, a piece after a `…`, a dump's digits) is masked (secrets/hold.ts). */
  release(): string {
    this.stopTimer();
    const text = this.buffer;
    if (this.released >= text.length) return '';
    const { ranges } = this.redactor.ranges(text, true);
    const hold = this.redactor.hold(text, this.released);
    const masked = [...ranges, ...hold.pieces];
    // A dump line cut short with some of a secret on it: its text column so far shows those bytes too, and
    // cannot yet be told from its digits; the line is masked from the first masked digit on.
    const line = hold.dumpLine;
    const first = line === undefined ? undefined : masked.filter(([, b]) => b > line).sort((x, y) => x[0] - y[0])[0];
    if (line !== undefined && first) masked.push([Math.max(first[0], line), text.length]);
    const out = render(text, merge(masked), text.length, this.released);
    this.keep(text, text.length);
    return out;
  }

  /** The end of the stream: what is held, masked. */
  flush(): string {
    const out = this.release();
    this.buffer = '';
    this.released = 0;
    return out;
  }

  /** Released up to `cut`: keeps what follows it, and before it how far a secret spreads, from a line's start. */
  private keep(text: string, cut: number): void {
    const back = Math.max(0, cut - this.redactor.holdback);
    const nl = back === 0 ? -1 : text.lastIndexOf('\n', back - 1);
    const from = back === 0 ? 0 : nl + 1 >= back - LINE_WINDOW ? nl + 1 : back;
    this.buffer = text.slice(from);
    this.released = cut - from;
  }

  private startTimer(): void {
    if (!this.emit || this.released >= this.buffer.length) return;
    this.timer = setTimeout(() => { this.timer = undefined; const out = this.release(); if (out) this.emit!(out); }, this.quietMs);
    this.timer.unref();
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
