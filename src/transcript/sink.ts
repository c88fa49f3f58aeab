// Something behind the transcript that wants its lines once they are on the disk (the team store's
// uploader, store/uploader.ts). The local file stays the record: a sink is told after a line is written,
// and after it is synced; it may do anything later, in the background, and its errors never reach the run.
export interface TranscriptSink {
  /** A complete line (its JSON text, without the newline), written to the file but perhaps not yet synced. */
  line(seq: number, text: string): void;
  /** Every line up to and including seq is on the disk (fsynced). */
  synced(seq: number): void;
  /** The writer closed the file: every line it wrote is on the disk. */
  closed(): void;
}

/** Tells a sink; a sink that throws is ignored (the store is optional, the record is not). */
export function tell(sink: TranscriptSink | undefined, what: (s: TranscriptSink) => void): void {
  if (!sink) return;
  try { what(sink); } catch { /* the sink's problem, not the run's */ }
}

/** The complete lines already in a transcript (a resume): a sink that starts late sees the run from its header.
 *  A torn line (cut short by a crash) was never handed to any sink and is not now. */
export function fileLines(text: string): { seq: number; text: string }[] {
  const out: { seq: number; text: string }[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('{')) continue;
    let value: unknown;
    try { value = JSON.parse(raw); } catch { continue; }
    const seq = (value as { seq?: unknown }).seq;
    if (typeof seq === 'number' && Number.isInteger(seq)) out.push({ seq, text: raw });
  }
  return out;
}
