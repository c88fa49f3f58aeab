// `runbook explain [text…]`: what an application or a server logged, explained — the class, the side it came
// from, why, and the runbook to run with what the text gave away. Reads the arguments, a file, standard input,
// or (-f) a stream as it grows: `kubectl logs -f app | runbook explain -f`.
import { closeSync, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { UserError } from '../../common/errors.js';
import { describeFsError } from '../../transcript/file.js';
import { Explainer, explainText, renderGroup, summaryJson, summaryRows, type Summary } from '../../explain/index.js';
import { sayJson, sayRows } from '../say.js';

export interface ExplainFlags { file?: string; follow?: boolean; json?: boolean }

/** A followed stream: a record is complete once nothing more came for this long. */
const IDLE_MS = 300;
const POLL_MS = 250;

export async function explainCommand(words: string[], flags: ExplainFlags): Promise<number> {
  if (words.length && flags.file) throw new UserError('explain: give the text as arguments or --file, not both');
  if (words.length && flags.follow) throw new UserError('explain: -f follows standard input or --file; the arguments are a text already');
  let summary: Summary;
  if (words.length) summary = explainText(words.join(' '));
  else if (flags.follow) summary = await follow(flags);
  else summary = explainText(await readAll(flags.file));
  if (flags.json) sayJson(summaryJson(summary));
  // A row each: an excerpt of the log is one row whatever it holds (ui/flat-row.ts).
  else if (!flags.follow || summary.list().length === 0) sayRows(summaryRows(summary));
  else sayRows(['', 'summary:', ...summaryRows(summary)]);
  return summary.list().length ? 0 : 1;
}

async function readAll(file: string | undefined): Promise<string> {
  if (file && file !== '-') {
    try { return (await import('node:fs')).readFileSync(file, 'utf8'); } catch (e) { throw new UserError(`explain: cannot read ${file}: ${describeFsError(e)}`); }
  }
  if (process.stdin.isTTY) throw new UserError('explain: give the error text as arguments, with --file <log>, or on standard input (… | runbook explain)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Lines as they come; each new kind of error is printed at once; the summary when the stream ends or on Ctrl-C. */
async function follow(flags: ExplainFlags): Promise<Summary> {
  const explainer = new Explainer(flags.json ? undefined : (g) => sayRows([...renderGroup(g), '']));
  let idle: NodeJS.Timeout | undefined;
  const line = (text: string) => { explainer.line(text); clearTimeout(idle); idle = setTimeout(() => explainer.end(), IDLE_MS); };
  const stopped = { now: false };
  const stop = new Promise<void>((resolve) => { for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => { stopped.now = true; resolve(); }); });
  if (flags.file && flags.file !== '-') await Promise.race([tail(flags.file, line, stopped), stop]);
  else {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    rl.on('line', line);
    await Promise.race([new Promise<void>((resolve) => rl.once('close', () => resolve())), stop]);
    rl.close();
    process.stdin.destroy(); // nothing more is read: the process may end
  }
  clearTimeout(idle);
  explainer.end();
  return explainer.summary;
}

/** tail -f: the file's lines, then those appended to it, until stopped. */
async function tail(file: string, line: (text: string) => void, stopped: { now: boolean }): Promise<void> {
  let fd: number;
  try { fd = openSync(file, 'r'); } catch (e) { throw new UserError(`explain: cannot read ${file}: ${describeFsError(e)}`); }
  const buf = Buffer.alloc(64 * 1024);
  let rest = '';
  try {
    while (!stopped.now) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) { await new Promise((r) => setTimeout(r, POLL_MS)); continue; }
      const parts = (rest + buf.toString('utf8', 0, n)).split(/\r?\n/);
      rest = parts.pop() ?? '';
      for (const p of parts) line(p);
    }
  } finally { closeSync(fd); }
}
