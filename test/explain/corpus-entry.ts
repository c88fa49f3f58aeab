// One entry of test/explain/corpus.json: what a real client printed against a real fault, and what explain
// must call it (from the fault the lab injected).
export interface CorpusEntry {
  client: string;
  engine: 'postgres' | 'mariadb';
  fault: string;
  expect: { class: string; side: string };
  /** The port the client was given: where the text names it, the command must carry it. */
  port: string;
  output: string;
}
