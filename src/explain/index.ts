// `runbook explain`'s stage: text in (lines), findings and their summary out. No I/O here: the CLI reads.
import { recognize } from './recognize.js';
import { RecordSplitter } from './records.js';
import { Summary, type Group } from './summary.js';

export { renderGroup, summaryRows, summaryJson, type ExplainJson } from './render.js';
export type { Finding } from './finding.js';
export { Summary, type Group };

/** Feeds lines in; `onNew` hears of each kind of error the first time it is seen (the live view of -f). */
export class Explainer {
  readonly summary = new Summary();
  private readonly splitter = new RecordSplitter((r) => {
    this.summary.records++;
    const f = recognize(r);
    if (!f) return;
    const opened = this.summary.add(f);
    if (opened) this.onNew?.(opened);
  });

  constructor(private readonly onNew?: (g: Group) => void) {}

  line(text: string): void { this.splitter.push(text); }
  /** The end of the input (or a pause in a followed stream): the record in progress is complete. */
  end(): void { this.splitter.flush(); }
}

/** Explains a whole text at once. */
export function explainText(text: string): Summary {
  const e = new Explainer();
  for (const line of text.split(/\r?\n/)) e.line(line);
  e.end();
  return e.summary;
}
