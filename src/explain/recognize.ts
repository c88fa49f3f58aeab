// One record → what it is: the application's pool first (the most specific, and the one most often mistaken for
// the server's limit), then a code the text carries, then the servers' and PgBouncer's words, then the network's.
import { mysqlNumberHit, nodeCodeHit, sqlStateHit, type CodeHit } from './codes.js';
import { factsOf } from './facts.js';
import type { Facts, Finding, Side } from './finding.js';
import { BEFORE_CODES, PHRASES } from './phrases.js';
import { POOL_PHRASES } from './pool-phrases.js';
import { stacksOf } from './stacks.js';
import type { TextRecord } from './records.js';

// ISO dates, and Go's log package's 2026/11/26.
const TIMESTAMP = /\b(\d{4}[-/]\d\d[-/]\d\d[ T]\d{1,2}:\d\d:\d\d(?:\.\d+)?(?: ?(?:UTC|Z|[+-]\d\d:?\d\d))?)/;

/** The line an excerpt shows: the one that says what went wrong, not a traceback's first line. */
const TELLING = /error|exception|fatal|failed|refused|timed? ?out|denied|too many|not available|limit/i;
/** An exception's own line (Python's last, Java's first, Node's "Error: …", the CLIs' "ERROR 1040", psql's). */
const EXCEPTION_LINE = /^(?:[\w.$]+(?:Error|Exception)(?:\[\w+\])?: |Caused by: |error: |ERROR \d|psql: error|\d{4}-\d\d-\d\d.*(?:FATAL|ERROR):)/;

/** Passwords in URLs and in key=value strings never reach the screen. */
export function maskSecrets(text: string): string {
  return text.replace(/(:\/\/[^:@/\s]+:)[^@/\s]+@/g, '$1****@').replace(/\b(password|passwd|pwd)=\S+/gi, '$1=****');
}

interface Hit { classification: Finding['class']; side: Side; why: string; engine?: 'postgres' | 'mysql'; facts?: Facts; stack?: string }

/** The client library's numbers for the connection itself (2013 lost, 2006 gone, …) are the network's side: the
 *  library only reports what happened to the connection. */
const CONNECTION_CLASSES = new Set(['connection-lost', 'timeout', 'refused', 'unreachable']);

const fromCode = (c: CodeHit, side: Side): Hit => ({ classification: c.classification, side, why: c.why, ...(c.engine ? { engine: c.engine } : {}) });

/** `mysql`: the record is a MySQL client's (its stack says so): PgBouncer's words are not looked for. */
function hitOf(text: string, pooler: boolean, mysql: boolean): Hit | undefined {
  for (const p of POOL_PHRASES) {
    const m = p.text.exec(text);
    if (m && !p.not?.test(text)) return { classification: 'app-pool-timeout', side: 'application pool', why: `${p.stack}: "${m[0].slice(0, 80)}"`, stack: p.stack, ...(p.facts ? { facts: p.facts(m) } : {}) };
  }
  const poolerPhrase = mysql ? undefined : PHRASES.find((p) => p.side === 'pooler' && p.text.test(text));
  if (poolerPhrase) return { classification: poolerPhrase.classification, side: 'pooler', why: poolerPhrase.why, engine: 'postgres' };
  const early = BEFORE_CODES.find((p) => p.text.test(text));
  if (early) return { classification: early.classification, side: early.side, why: early.why, ...(early.engine ? { engine: early.engine } : {}) };
  const state = sqlStateHit(text);
  if (state) return fromCode(state, pooler ? 'pooler' : 'server');
  const number = mysqlNumberHit(text);
  if (number) return fromCode(number, number.server ? 'server' : CONNECTION_CLASSES.has(number.classification) ? 'network' : 'driver');
  // PgBouncer's own words were looked for first (or not at all, for a MySQL client's record).
  const phrase = PHRASES.find((p) => p.side !== 'pooler' && p.text.test(text));
  if (phrase) return { classification: phrase.classification, side: pooler && phrase.side === 'server' ? 'pooler' : phrase.side, why: phrase.why, ...(phrase.engine ? { engine: phrase.engine } : {}) };
  const node = nodeCodeHit(text);
  return node ? fromCode(node, node.classification.startsWith('cert') || node.classification.startsWith('ssl') ? 'tls' : 'network') : undefined;
}

/** The finding a record is, or undefined when it names no connection error the table knows. */
export function recognize(record: TextRecord): Finding | undefined {
  const stacks = stacksOf(record.text);
  const pooler = stacks.some((s) => s.name === 'PgBouncer log');
  const hit = hitOf(record.text, pooler, !pooler && stacks.some((s) => s.engine === 'mysql'));
  if (!hit) return undefined;
  const facts: Facts = { ...factsOf(record.text), ...hit.facts };
  const engine = hit.engine ?? stacks.find((s) => s.engine)?.engine;
  if (engine) facts.engine = engine;
  const stack = hit.stack ?? (stacks.length ? stacks.map((s) => s.name).slice(0, 2).join(' over ') : undefined);
  const ts = TIMESTAMP.exec(record.text)?.[1];
  const lines = record.text.split('\n');
  const first = lines.find((l) => EXCEPTION_LINE.test(l)) ?? lines.find((l) => TELLING.test(l)) ?? lines.find((l) => l.trim()) ?? '';
  return {
    class: hit.classification, side: hit.side, ...(stack ? { stack } : {}), why: hit.why, facts, line: record.line,
    ...(ts ? { ts } : {}), excerpt: maskSecrets(first.length > 200 ? `${first.slice(0, 199)}…` : first),
  };
}
