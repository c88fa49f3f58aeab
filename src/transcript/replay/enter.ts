// "Press Enter for the next step", from any readable stream: a terminal, a pipe, or nothing at all.
// When the input ends, every later wait resolves at once, so a replay never hangs.
import { createInterface } from 'node:readline';

export interface EnterReader { next(): Promise<void>; close(): void }

export function enterReader(input: NodeJS.ReadableStream): EnterReader {
  const rl = createInterface({ input, terminal: false });
  const waiting: (() => void)[] = [];
  let buffered = 0;
  let ended = false;
  rl.on('line', () => { const w = waiting.shift(); if (w) w(); else buffered++; });
  rl.on('close', () => { ended = true; for (const w of waiting.splice(0)) w(); });
  return {
    next() {
      if (ended) return Promise.resolve();
      if (buffered > 0) { buffered--; return Promise.resolve(); }
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => rl.close(),
  };
}
