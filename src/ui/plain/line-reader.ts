// Answers in plain mode come from stdin, one line each. Opened on the first question only, so a run with
// no questions never touches stdin (and never waits on it).
import { createInterface, type Interface } from 'node:readline';

export interface LineReader {
  /** The next line, or null once stdin is closed (EOF, or it was never readable). */
  next(): Promise<string | null>;
  close(): void;
}

export function createLineReader(input: NodeJS.ReadableStream & { readable?: boolean }): LineReader {
  let rl: Interface | undefined;
  const lines: string[] = [];
  const waiting: ((line: string | null) => void)[] = [];
  let ended = false;
  const end = () => { ended = true; for (const w of waiting.splice(0)) w(null); };
  const open = () => {
    if (rl || ended) return;
    if (input.readable === false) return end();
    rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
    rl.on('line', (line) => { const w = waiting.shift(); if (w) w(line); else lines.push(line); });
    rl.on('close', end);
  };
  return {
    next() {
      open();
      if (lines.length) return Promise.resolve(lines.shift()!);
      if (ended) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      const r = rl;
      rl = undefined;
      ended = true;
      r?.close();
      for (const w of waiting.splice(0)) w(null);
    },
  };
}
