// The wrapper's first line on stdout (remote-wrapper.ts): proof that the step's own wrapper started there. It
// is taken out of the output as it streams; text before it (a login shell's rc noise) goes on as it was. A
// step whose output never held it did not run there: a forced command or a nologin shell answered. The stream
// it reads is the step's raw output (the engine masks after it), so the line is looked for as it is sent.
import { randomBytes } from 'node:crypto';

export class Handshake {
  readonly line = `runbook-wrapper-started ${randomBytes(6).toString('hex')}`;
  private pending = '';
  private found = false;

  get seen(): boolean { return this.found; }

  /** What of a stdout chunk to pass on: the handshake dropped; until it came, what could be its start is held. */
  take(text: string): string {
    if (this.found) return text;
    this.pending += text;
    const at = this.pending.indexOf(`${this.line}\n`);
    if (at >= 0) { // anywhere: an rc file's last words may lack their newline
      const out = this.pending.slice(0, at) + this.pending.slice(at + this.line.length + 1);
      this.pending = '';
      this.found = true;
      return out;
    }
    // A partial last line may be the handshake's start; a long one without a newline is not held for ever.
    const cut = Math.max(this.pending.lastIndexOf('\n') + 1, this.pending.length - this.line.length);
    const out = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    return out;
  }

  /** What is still held back when the output ended without the handshake. */
  flush(): string {
    const out = this.pending;
    this.pending = '';
    return out;
  }

  /** The step's kept stdout without the handshake line. */
  strip(stdout: string): string {
    const at = stdout.indexOf(`${this.line}\n`);
    return at < 0 ? stdout : stdout.slice(0, at) + stdout.slice(at + this.line.length + 1);
  }
}
