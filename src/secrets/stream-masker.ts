// Masks a stream arriving in chunks: a secret split across two chunks is still caught, because the tail
// that could be the start of a secret is held back until the next chunk (or the end) arrives. The tail held
// back is one character shorter than the longest registered form (a hex encoding is twice the secret's length),
// read at every chunk: a secret registered while the stream runs widens it at once.
import type { Redactor } from './redactor.js';

export class StreamMasker {
  private pending = '';
  constructor(private readonly redactor: Redactor) {}

  push(chunk: string): string {
    const masked = this.redactor.mask(this.pending + chunk);
    const cut = Math.max(0, masked.length - Math.max(0, this.redactor.longest - 1));
    this.pending = masked.slice(cut);
    return masked.slice(0, cut);
  }

  flush(): string {
    const rest = this.redactor.mask(this.pending);
    this.pending = '';
    return rest;
  }
}
