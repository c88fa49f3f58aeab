// The uploader behind a run's transcript, loaded once the run's first step has started: a run with a store
// shows its first step as soon as one without (loading the uploader's modules, and pg after them, costs a few
// ms of CPU that the operator would otherwise wait for). Until then the lines wait here, in order, and are
// handed over as they came. Nothing is lost by the wait: a new run's driver has no rival before it reached the
// store (the uploader answers mayAct at once then), and a resumed run, which may have one, loads it at once.
import type { TranscriptSink } from '../transcript/sink.js';
import type { ActCheck } from './act-check.js';
import type { Uploader, UploaderOptions, UploadStatus } from './uploader.js';

type Held = { seq: number; text: string } | { synced: number } | 'closed';

const FIRST_STEP = '{"type":"step-started"';
/** Lines on the disk and no step started after this long (a run stopped before its first step): loaded anyway. */
const AT_THE_LATEST_MS = 500;

export class LazyUploader implements TranscriptSink {
  private real?: Uploader;
  private loading?: Promise<Uploader>;
  private held: Held[] = [];
  private runId?: string;
  private fallback?: NodeJS.Timeout;

  constructor(private readonly opts: UploaderOptions) {
    if (opts.mode === 'resume' || opts.claimed) void this.load();
  }

  line(seq: number, text: string): void {
    if (this.real) return this.real.line(seq, text);
    if (this.runId === undefined) this.runId = runIdOf(text);
    this.held.push({ seq, text });
    // After this turn: the step's line reaches the screen before anything is loaded.
    if (text.startsWith(FIRST_STEP)) setImmediate(() => void this.load());
  }

  synced(seq: number): void {
    if (this.real) return this.real.synced(seq);
    this.held.push({ synced: seq });
    this.fallback ??= setTimeout(() => void this.load(), AT_THE_LATEST_MS).unref();
  }

  closed(): void {
    if (this.real) return this.real.closed();
    this.held.push('closed');
    void this.load();
  }

  /** A new run's driver never waits for the store before it reached it (no other driver can hold a run the store
   *  never saw): the same answer the uploader gives while it connects. A resumed run asks the uploader. */
  async mayAct(check: ActCheck = {}): Promise<string | undefined> {
    if (this.real) return this.real.mayAct(check);
    if (this.opts.mode !== 'resume' && !this.opts.claimed) {
      void this.load();
      return undefined;
    }
    return (await this.load()).mayAct(check);
  }

  status(): UploadStatus {
    if (this.real) return this.real.status();
    const pending = this.held.filter((h) => typeof h === 'object' && 'text' in h).length;
    return { state: 'connecting', pending, uploaded: 0, ...(this.runId ? { runId: this.runId } : {}) };
  }

  async drain(ms: number): Promise<UploadStatus> {
    return (await this.load()).drain(ms);
  }

  private load(): Promise<Uploader> {
    clearTimeout(this.fallback);
    return this.loading ??= import('./uploader.js').then(({ Uploader }) => {
      const real = new Uploader(this.opts);
      for (const h of this.held) {
        if (h === 'closed') real.closed();
        else if ('text' in h) real.line(h.seq, h.text);
        else real.synced(h.synced);
      }
      this.held = [];
      this.real = real;
      return real;
    });
  }
}

function runIdOf(header: string): string | undefined {
  try {
    const runId = (JSON.parse(header) as { runId?: unknown }).runId;
    return typeof runId === 'string' ? runId : undefined;
  } catch {
    return undefined;
  }
}
