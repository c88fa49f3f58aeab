// The PostgreSQL parser itself (libpg-query: PostgreSQL's own grammar compiled to WebAssembly), callable
// synchronously. Its WASM module only loads asynchronously, and validation is synchronous everywhere it is
// used (readRunbook has some fifty callers), so the parser lives in a worker thread and a caller blocks on
// Atomics.wait until the worker has answered. The worker starts on the first SQL text to parse (a runbook
// without SQL never pays for it) and is unref'd, so it never keeps a process alive. A question can be asked
// early and its answer collected later (askPg), so that the worker loads while the caller does other work.
import { createRequire } from 'node:module';
import type { MessagePort, Worker } from 'node:worker_threads';
import { wasmBaselineOnly } from '../../common/v8-flags.js';
import { maskedRelations } from './pg-masked-relations.js';

/** node:worker_threads when the first SQL text is parsed: a runbook without PostgreSQL SQL never loads it (~8 ms). */
const threads = () => createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');

/** The parse tree as libpg-query returns it (JSON of PostgreSQL's nodes), or the parser's error. */
export type PgParse = { tree: PgTree } | { error: string };
export interface PgTree { stmts?: { stmt: Record<string, unknown> }[] }

/**
 * Loading the WASM module takes ~0.1 s of CPU idle; a parse is microseconds. The wait gives up (every text
 * then answers "the PostgreSQL parser did not answer", and SQL steps are refused as unproven) only on a hang,
 * which load must never look like: a wall-clock limit of 10 s did on a busy machine (load average 25 on
 * 2 cores: the worker got a sliver of a core), and built-in runbooks failed validation (issue #20). So:
 * - a worker that exits says so (the flag's second slot), and the wait ends at once;
 * - a worker spinning is caught by CPU time: HANG_GUARD_CPU_MS of the process's CPU (it includes the
 *   worker's) spent while waiting, 100× the idle load;
 * - only a worker that neither answers, exits nor runs (stopped, or starved for minutes) meets the
 *   wall-clock backstop, HANG_GUARD_WALL_MS, 1,200× the idle load.
 */
const HANG_GUARD_CPU_MS = 10_000;
const HANG_GUARD_WALL_MS = 120_000;
const SLICE_MS = 250;

// Plain CommonJS run with `eval: true`: works the same from the TypeScript sources and from dist/. Questions
// queue on the port until the module has loaded; each answer is posted, then signalled.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { port, flag } = workerData;
const signal = new Int32Array(flag);
process.on('exit', () => { Atomics.store(signal, 1, 1); Atomics.notify(signal, 0); });
const answer = (message) => { port.postMessage(message); Atomics.add(signal, 0, 1); Atomics.notify(signal, 0); };
const failed = (e) => ({ error: String(e && e.message || e) });
const parseAll = (parse, texts) => texts.map((text) => { try { return { tree: parse(text) }; } catch (e) { return failed(e); } });
// Every source position PostgreSQL 18's nodes carry (ParseLoc fields, and the statement's length).
const PLACES = new Set(['location', 'stmt_location', 'stmt_len', 'name_location', 'list_start', 'list_end', 'rexpr_list_start', 'rexpr_list_end']);
// Another major's parser (libpg-query built from that major's grammar), loaded on the first question for it.
const majors = new Map();
const majorParser = async (major) => {
  if (!majors.has(major)) {
    const path = workerData.majorPaths[major];
    majors.set(major, path ? (async () => { const m = require(path); await m.loadModule(); return m.parseSync; })() : Promise.resolve(undefined));
  }
  return majors.get(major);
};
// Without the parser's own version at the top either: trees of two majors' parsers are compared. Keys in order: a
// field the engine adds (a relation's schema) compares equal to the parser's own where it puts it.
const unplaced = (tree) => JSON.stringify({ ...tree, version: undefined }, (k, v) => (PLACES.has(k) ? undefined
  : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((x) => [x, v[x]])) : v));
// The names the server would look up along the path, written with their schema (db/pg-checked-read.ts), so that
// nothing created in the path after the checks can take their place: every relation named without a schema,
// given the schema the server resolved it to (a WITH query named like one of them is refused: which one a
// reference reads would be the server's to say); every function called and operator applied by a bare name, as
// pg_catalog's (a proven read calls only reviewed built-ins). LIKE, ILIKE and SIMILAR TO are their operators to
// the server (~~, !~~, ~~*, !~~*, ~, !~ with the pattern as written), so they are written as those, qualified.
// BETWEEN (each of its four forms) is written as the comparisons PostgreSQL's own parse analysis makes of it
// (transformAExprBetween: the same operators, the same copies of its operands, the same AND and OR), qualified.
// IN and NOT IN over string literals and NULLs alone are written as that analysis makes them too
// (transformAExprIn): one item is one comparison; more are one comparison with ANY (ALL) of an array of the left
// operand's own type, which an untyped array literal is coerced to. Any other IN (a column, a number, a cast
// among its items, whose common type can differ from its operand's), IS DISTINCT FROM and NULLIF keep their bare
// operator: the deparser cannot write those forms qualified, and written otherwise they would not be the server's
// reading of them.
const QUALIFIED_OPERATORS = new Set(['AEXPR_OP', 'AEXPR_OP_ANY', 'AEXPR_OP_ALL']);
const OPERATOR_FORMS = new Set(['AEXPR_LIKE', 'AEXPR_ILIKE', 'AEXPR_SIMILAR']);
const catalog = (names) => { if (Array.isArray(names) && names.length === 1) names.unshift({ String: { sval: 'pg_catalog' } }); };
const op = (name, lexpr, rexpr) => ({ A_Expr: { kind: 'AEXPR_OP', name: [{ String: { sval: 'pg_catalog' } }, { String: { sval: name } }], lexpr, rexpr } });
const bool = (boolop, args) => ({ BoolExpr: { boolop, args } });
const copy = (node) => JSON.parse(JSON.stringify(node));
const BETWEEN = {
  AEXPR_BETWEEN: (a, b, c) => bool('AND_EXPR', [op('>=', a, b), op('<=', copy(a), c)]),
  AEXPR_NOT_BETWEEN: (a, b, c) => bool('OR_EXPR', [op('<', a, b), op('>', copy(a), c)]),
  AEXPR_BETWEEN_SYM: (a, b, c) => bool('OR_EXPR', [bool('AND_EXPR', [op('>=', a, b), op('<=', copy(a), c)]),
    bool('AND_EXPR', [op('>=', copy(a), copy(c)), op('<=', copy(a), copy(b))])]),
  AEXPR_NOT_BETWEEN_SYM: (a, b, c) => bool('AND_EXPR', [bool('OR_EXPR', [op('<', a, b), op('>', copy(a), c)]),
    bool('OR_EXPR', [op('<', copy(a), copy(c)), op('>', copy(a), copy(b))])]),
};
const unknownConst = (n) => !!(n && n.A_Const && (n.A_Const.isnull === true || (n.A_Const.sval && typeof n.A_Const.sval.sval === 'string')));
const element = (n) => (n.A_Const.isnull ? 'NULL' : '"' + n.A_Const.sval.sval.replace(/[\\\\"]/g, (c) => '\\\\' + c) + '"');
const inList = (e) => {
  const items = e.rexpr && e.rexpr.List && e.rexpr.List.items;
  const name = Array.isArray(e.name) && e.name.length === 1 && e.name[0].String && e.name[0].String.sval;
  if (!Array.isArray(items) || !items.every(unknownConst) || (e.lexpr && e.lexpr.A_Const) || (name !== '=' && name !== '<>')) return undefined;
  if (items.length === 1) return op(name, e.lexpr, items[0]);
  const array = { A_Const: { sval: { sval: '{' + items.map(element).join(',') + '}' } } };
  return { A_Expr: { kind: name === '=' ? 'AEXPR_OP_ANY' : 'AEXPR_OP_ALL', name: [{ String: { sval: 'pg_catalog' } }, { String: { sval: name } }], lexpr: e.lexpr, rexpr: array } };
};
// BETWEEN and IN over literals as their comparisons. Children first, so that a BETWEEN inside another's operand is
// rewritten in each copy. Then each AND or OR whose first argument is the same operation is flattened, as the
// parser flattens \`(p AND q) AND r\` on reading it.
const asComparisons = (v) => {
  if (Array.isArray(v)) return v.map(asComparisons);
  if (!v || typeof v !== 'object') return v;
  for (const k of Object.keys(v)) v[k] = asComparisons(v[k]);
  const e = v.A_Expr;
  if (e && Object.hasOwn(BETWEEN, e.kind)) { const [b, c] = e.rexpr.List.items; return BETWEEN[e.kind](e.lexpr, b, c); }
  if (e && e.kind === 'AEXPR_IN') { const written = inList(e); if (written) return written; }
  const b = v.BoolExpr;
  if (b && b.boolop !== 'NOT_EXPR') while (b.args[0] && b.args[0].BoolExpr && b.args[0].BoolExpr.boolop === b.boolop) b.args.splice(0, 1, ...b.args[0].BoolExpr.args);
  return v;
};
// A relation the text names that had no inheritance child when checked: written ONLY, so that a child attached
// between the check and the statement (ALTER TABLE … INHERIT takes a lock a read's does not block) is never read.
// A database name before the schema (db.schema.t) is the session's own or an error: the check resolved schema.t,
// and the name is written ONLY with its database part too (a probe of stop 72 raced a child in through db.b.p).
const namedAs = (c, n) => c.relname === n[n.length - 1] && (n.length === 1 ? !c.schemaname && !c.catalogname : n.length === 2 && c.schemaname === n[0]);
const qualify = (tree, schemas, only) => {
  asComparisons(tree);
  const walk = (v, visit) => { if (Array.isArray(v)) v.forEach((x) => walk(x, visit)); else if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) { visit(k, c); walk(c, visit); } };
  walk(tree, (k, c) => { if (k === 'ctename' && Object.hasOwn(schemas, c)) throw new Error('a WITH query is named like the relation ' + schemas[c] + '.' + c + ': rename it'); });
  walk(tree, (k, c) => {
    if (!c || typeof c !== 'object') return;
    const relation = (k === 'RangeVar' || k === 'relation' || k === 'rel') && typeof c.relname === 'string';
    if (relation && c.inh === true && only.some((n) => namedAs(c, n))) delete c.inh; // as the parser reads ONLY
    if (relation && !c.schemaname && !c.catalogname && Object.hasOwn(schemas, c.relname)) c.schemaname = schemas[c.relname];
    if (k === 'FuncCall') catalog(c.funcname);
    if (k === 'A_Expr' && OPERATOR_FORMS.has(c.kind)) c.kind = 'AEXPR_OP';
    if (k === 'A_Expr' && QUALIFIED_OPERATORS.has(c.kind)) catalog(c.name);
  });
  return tree;
};
// pg_catalog's relations the engine never lets a read name itself (pg-masked-relations.ts): each reference,
// bare (resolved there) or qualified, becomes the engine's own subquery of it, under the reference's alias or
// its name, so that every column the read can reach is the masked one. Replaced after qualify (which gave bare
// names their schema); the subqueries are not walked again.
const mask = (parse, tree, masks) => {
  const hits = [];
  const walk = (v) => { if (Array.isArray(v)) { v.forEach(walk); return; } if (!v || typeof v !== 'object') return;
    const r = v.RangeVar;
    if (r && r.schemaname === 'pg_catalog' && Object.hasOwn(masks, r.relname)) hits.push(v);
    for (const c of Object.values(v)) walk(c); };
  walk(tree);
  for (const v of hits) {
    const r = v.RangeVar;
    delete v.RangeVar;
    v.RangeSubselect = { subquery: parse(masks[r.relname]).stmts[0].stmt, alias: r.alias || { aliasname: r.relname } };
  }
};
let deparser;
// A statement written again from its parse tree, then parsed again: the text is the engine's only if the tree
// it parses to is the one the classifier read (every field but source positions), with the schemas given added.
const regenerate = (parse, text, schemas, only, masks) => {
  const tree = parse(text);
  const count = (tree.stmts || []).length;
  if (count === 0) return { text: '', tree }; // only comments or blanks: the server answers an empty query either way
  if (count !== 1) throw new Error('it is not exactly one statement');
  if (schemas) qualify(tree, schemas, only || []);
  if (schemas && masks) mask(parse, tree, masks);
  deparser = deparser || require(workerData.deparserPath);
  const again = deparser.deparseSync(tree, { pretty: false }).replace(/;\s*$/, '');
  const itsTree = parse(again);
  if (unplaced(itsTree) !== unplaced(tree)) throw new Error('the statement written again from its parse reads differently');
  return { text: again, tree: itsTree };
};
// The server's own major reads the text the engine sends as the engine did, or it is not the engine's reading:
// PostgreSQL 15 reads JSON_SCALAR(1) as a call of a function of that name, 18 as syntax.
const sameOnMajor = (major, parseMajor, r) => {
  if (major === 18 || r.text === '') return r;
  if (!parseMajor) throw new Error('the engine reads the grammars of PostgreSQL 15 to 18, and this server is PostgreSQL ' + (major > 0 ? major : 'of a version it did not say'));
  let theirs;
  try { theirs = parseMajor(r.text); } catch (e) { throw new Error('PostgreSQL ' + major + "'s grammar does not read it (" + (e && e.message || e) + ')'); }
  if (unplaced(theirs) !== unplaced(r.tree)) throw new Error('PostgreSQL ' + major + "'s grammar reads it differently from the engine's reading");
  return r;
};
// With the regenerated text's own tree: the caller's parse cache takes it, so the pin reads it without a third parse.
const regenerateAll = async (parse, texts, major, schemas, only, masks) => {
  const parseMajor = major === undefined || major === 18 ? undefined : await majorParser(major);
  return texts.map((text) => { try { const r = regenerate(parse, text, schemas, only, masks); return major === undefined ? r : sameOnMajor(major, parseMajor, r); } catch (e) { return failed(e); } });
};
// Answered in question order: a question for another major's parser waits for it to load, and those after it wait too.
let queue = Promise.resolve();
const serve = (parse) => port.on('message', (m) => {
  queue = queue.then(async () => answer(Array.isArray(m) ? parseAll(parse, m) : await regenerateAll(parse, m.regenerate, m.major, m.schemas, m.only, m.masks))).catch((e) => answer((Array.isArray(m) ? m : m.regenerate).map(() => failed(e))));
});
const fail = (e) => serve(() => { throw new Error('the PostgreSQL parser could not load (' + String(e && e.message || e) + ')'); });
try {
  const pg = require(workerData.modulePath);
  pg.loadModule().then(() => serve(pg.parseSync), fail);
} catch (e) { fail(e); }
`;

interface Channel {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;    // [0]: answers posted so far, counted by the worker; [1]: 1 once the worker exits
  asked: number;         // questions posted so far
  taken: number;         // answers taken off the port so far
  received: Map<number, unknown>; // answers taken off the port, by question number, not yet collected
  idle?: NodeJS.Timeout; // ends the worker once it has had nothing to answer for IDLE_MS
}
let channel: Channel | { fatal: string } | undefined;
const cache = new Map<string, PgParse>();
const MAX_CACHED = 2000;

/** Parses each text; never throws (a parser that cannot load answers every text with an error). */
export function parsePg(texts: readonly string[]): PgParse[] {
  return askPg(texts)();
}

/** Whether a parser worker is alive now (it ends once idle: restWhenIdle). */
export const pgParserRunning = (): boolean => channel !== undefined && !('fatal' in channel);

/** Whether the parser failed to start or to answer: results made meanwhile depend on the machine, not the text. */
export const pgParserFailed = (): boolean => channel !== undefined && 'fatal' in channel;

/** Sends the texts the cache lacks to the worker now; the returned function waits for the answers. */
export function askPg(texts: readonly string[]): () => PgParse[] {
  const known = new Map(texts.flatMap((t) => { const p = cache.get(t); return p ? [[t, p] as const] : []; }));
  const missing = [...new Set(texts.filter((t) => !known.has(t)))];
  const collect = missing.length ? ask(missing) : () => [];
  return () => {
    const answers = collect();
    missing.forEach((t, i) => { remember(t, answers[i]!); known.set(t, answers[i]!); });
    return texts.map((t) => known.get(t)!);
  };
}

function remember(text: string, parse: PgParse): void {
  if (cache.size >= MAX_CACHED) cache.clear(); // a fuzzer's texts; a runbook has dozens
  cache.set(text, parse);
}

/** The majors whose own grammar the engine can read besides 18's (package.json: libpg-query-15 … -17). */
const OTHER_MAJORS = [15, 16, 17];

/** A statement as the engine writes it from its own parse tree (pgsql-deparser), or why it cannot be. */
export type PgRegenerated = { text: string } | { error: string };
const regenerated = new Map<string, PgRegenerated>();

/**
 * The statement the engine sends for a proven read (issue #45: run what you proved): written again from the
 * tree PostgreSQL's own parser made of `text`, and kept only when that text parses back to the same tree, and,
 * given the server's major, when that major's own grammar reads it to the same tree too (15 to 18; another major
 * is refused). The server then executes the engine's reading, not the author's spelling of it. `schemas`: the
 * names the server would look up are written qualified: each relation named without a schema with the one given
 * for its name, functions and operators with pg_catalog (db/pg-checked-read.ts). `only`: relations, as the text
 * names them, written `ONLY` (they had no inheritance child when checked). Never throws.
 */
export function regeneratePg(text: string, serverMajor?: number, schemas?: Readonly<Record<string, string>>,
  only: readonly (readonly string[])[] = []): PgRegenerated {
  const key = `${serverMajor ?? ''}\0${text}\0${schemas ? JSON.stringify(schemas) : ''}\0${JSON.stringify(only)}`;
  const known = regenerated.get(key);
  if (known) return known;
  const reply = ask<{ text: string; tree: PgTree }>([text], { regenerate: [text], major: serverMajor, ...(schemas ? { schemas, only, masks: maskedRelations(serverMajor ?? 18) } : {}) })()[0]!;
  const answer: PgRegenerated = 'error' in reply ? reply : { text: reply.text };
  if (!('error' in reply)) remember(reply.text, { tree: reply.tree });
  if (regenerated.size >= MAX_CACHED) regenerated.clear();
  regenerated.set(key, answer);
  return answer;
}

function ask<T = PgParse>(texts: string[], message: unknown = texts): () => (T | { error: string })[] {
  const c = open();
  const failed = (why: string) => texts.map(() => ({ error: why }));
  if ('fatal' in c) return () => failed(c.fatal);
  clearTimeout(c.idle);
  c.port.postMessage(message);
  const ticket = ++c.asked;
  return () => {
    const reply = wait(c, ticket) as T[] | undefined;
    if (reply) { restWhenIdle(c); return reply; }
    channel = { fatal: 'the PostgreSQL parser did not answer' }; // a late answer must never be taken for another question's
    return failed(channel.fatal);
  };
}

/**
 * A run reads each statement once, when it starts, and once more when it first meets the server (regeneratePg);
 * a long loop then runs for minutes with the parser's worker idle, holding its isolate and each major's WASM
 * (7 MiB of a 10,000-item loop's peak: docs/performance.md). So a worker with nothing to answer for IDLE_MS
 * ends, and the next question starts another. The answers already given stay in this side's caches.
 */
const IDLE_MS = 5_000;

/** Ends the worker now if it has nothing to answer (else as restWhenIdle would): a for_each calls it once its first
 *  item has met the server, after which its items read only this side's caches (the same statement each time).
 *  Under the terminal UI the idle worker's ~13 MiB sat on top of the loop's start, the run's peak (docs/performance.md).
 *  A later question starts another worker, as after IDLE_MS. */
export function restPgParserNow(): void {
  const c = channel;
  if (c && !('fatal' in c) && !busy(c)) end(c);
}

function restWhenIdle(c: Channel): void {
  if (busy(c)) return;
  clearTimeout(c.idle);
  c.idle = setTimeout(() => end(c), IDLE_MS).unref();
}

/** A question asked early is still to be collected: ending the worker would lose its answer. */
function busy(c: Channel): boolean {
  return c.taken !== c.asked || c.received.size > 0;
}

function end(c: Channel): void {
  clearTimeout(c.idle);
  if (channel === c) channel = undefined;
  void c.worker.terminate();
}

function open(): Channel | { fatal: string } {
  if (channel) return channel;
  try {
    const require = createRequire(import.meta.url);
    const modulePath = require.resolve('libpg-query');
    const deparserPath = require.resolve('pgsql-deparser');
    const majorPaths = Object.fromEntries(OTHER_MAJORS.flatMap((m) => { try { return [[m, require.resolve(`libpg-query-${m}`)]]; } catch { return []; } }));
    const flag = new SharedArrayBuffer(8);
    wasmBaselineOnly(); // before the worker compiles the WASM: TurboFan's second copy costs ~40 MiB (v8-flags.ts)
    const { MessageChannel, Worker } = threads();
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WORKER, { eval: true, workerData: { modulePath, deparserPath, majorPaths, port: port2, flag }, transferList: [port2] });
    worker.unref();
    port1.unref();
    channel = { worker, port: port1, signal: new Int32Array(flag), asked: 0, taken: 0, received: new Map() };
  } catch (err) {
    channel = { fatal: `the PostgreSQL parser could not start (${err instanceof Error ? err.message : String(err)})` };
  }
  return channel;
}

/** Blocks until the worker has answered question number `ticket` (it answers in question order). */
function wait(c: Channel, ticket: number): unknown {
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  while (!c.received.has(ticket)) {
    const posted = Atomics.load(c.signal, 0);
    // The worker posts an answer before counting it, so a counted answer is already on the port.
    if (posted > c.taken) {
      c.received.set(++c.taken, threads().receiveMessageOnPort(c.port)?.message);
      continue;
    }
    if (Atomics.load(c.signal, 1) === 1) return undefined; // the worker exited without answering
    const cpu = process.cpuUsage(cpuAtStart);
    if ((cpu.user + cpu.system) / 1000 > HANG_GUARD_CPU_MS || Date.now() - started > HANG_GUARD_WALL_MS) return undefined;
    Atomics.wait(c.signal, 0, posted, SLICE_MS);
  }
  const answer = c.received.get(ticket);
  c.received.delete(ticket);
  return answer;
}
