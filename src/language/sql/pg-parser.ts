// The PostgreSQL parser itself (libpg-query: PostgreSQL's own grammar compiled to WebAssembly), callable
// synchronously. Its WASM module only loads asynchronously, and validation is synchronous everywhere it is
// used (52 callers of readRunbook), so the parser lives in a worker thread and a caller blocks on
// Atomics.wait until the worker has answered. The worker starts on the first SQL text to parse (a runbook
// without SQL never pays for it) and is unref'd, so it never keeps a process alive.
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/** The parse tree as libpg-query returns it (JSON of PostgreSQL's nodes), or the parser's error. */
export type PgParse = { tree: { stmts?: { stmt: Record<string, unknown> }[] } } | { error: string };

/** Loading the WASM module takes ~0.1 s idle; a parse is microseconds. 100× the idle load is a hang. */
const HANG_GUARD_MS = 10_000;

// Plain CommonJS run with `eval: true`: works the same from the TypeScript sources and from dist/.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { port, flag } = workerData;
const signal = new Int32Array(flag);
const answer = (message) => { port.postMessage(message); Atomics.store(signal, 0, 1); Atomics.notify(signal, 0); };
let pg;
try { pg = require(workerData.modulePath); } catch (e) { answer({ fatal: String(e && e.message || e) }); }
if (pg) pg.loadModule().then(() => {
  port.on('message', (texts) => answer(texts.map((text) => {
    try { return { tree: pg.parseSync(text) }; } catch (e) { return { error: String(e && e.message || e) }; }
  })));
  answer({ ready: true });
}, (e) => answer({ fatal: String(e && e.message || e) }));
`;

interface Channel { port: MessagePort; signal: Int32Array }
let channel: Channel | { fatal: string } | undefined;
const cache = new Map<string, PgParse>();

/** Parses each text; never throws (a parser that cannot load answers every text with an error). */
export function parsePg(texts: readonly string[]): PgParse[] {
  const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
  if (missing.length) {
    const answers = ask(missing);
    missing.forEach((t, i) => cache.set(t, answers[i]!));
  }
  return texts.map((t) => cache.get(t)!);
}

function ask(texts: string[]): PgParse[] {
  const c = open();
  if ('fatal' in c) return texts.map(() => ({ error: `the PostgreSQL parser could not load (${c.fatal})` }));
  c.port.postMessage(texts);
  const reply = wait(c) as PgParse[] | undefined;
  if (reply) return reply;
  channel = { fatal: 'it stopped answering' }; // a late answer must never be taken for the next question's
  return texts.map(() => ({ error: 'the PostgreSQL parser did not answer' }));
}

function open(): Channel | { fatal: string } {
  if (channel) return channel;
  try {
    const modulePath = createRequire(import.meta.url).resolve('libpg-query');
    const flag = new SharedArrayBuffer(4);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER, { eval: true, workerData: { modulePath, port: port2, flag }, transferList: [port2] });
    worker.unref();
    port1.unref();
    const c: Channel = { port: port1, signal: new Int32Array(flag) };
    const first = wait(c) as { ready?: true; fatal?: string } | undefined;
    channel = first?.ready ? c : { fatal: first?.fatal ?? 'no answer' };
  } catch (err) {
    channel = { fatal: err instanceof Error ? err.message : String(err) };
  }
  return channel;
}

function wait(c: Channel): unknown {
  if (Atomics.wait(c.signal, 0, 0, HANG_GUARD_MS) === 'timed-out') return undefined;
  Atomics.store(c.signal, 0, 0);
  return receiveMessageOnPort(c.port)?.message;
}
