// YAML text → plain value + source map + diagnostics. Never throws on bad input.
import { readFileSync } from 'node:fs';
import { constructFromEvents, parseEvents, getScalarValue, CORE_SCHEMA, mergeTag, EVENT_ID, SCALAR_STYLE, type Event } from 'js-yaml';
import { oneLine, type Diagnostic } from './diagnostic.js';
import { SourceMap } from './source-map.js';

export interface LoadedDocument {
  file: string;
  text: string;
  value: unknown;
  map: SourceMap;
  diagnostics: Diagnostic[];
}

const LIMITS = { maxDepth: 64, maxAliases: 100, maxTotalMergeKeys: 1000 };
/** YAML merge keys (`<<: *defaults`) are how authors share step fields; the core schema leaves them out. */
const SCHEMA = CORE_SCHEMA.withTags(mergeTag);
/** Four times the largest built-in runbook, yet small enough that the slowest YAML (long flow lists) loads
 *  and validates well inside a second: a bad file must not hang the engine mid-incident. */
export const MAX_BYTES = 1024 * 1024;
/** YAML nodes (events) per file: a rich 1,000-step runbook has ~29,000; a 125,000-item list would take seconds. */
export const MAX_NODES = 60_000;

export function loadFile(file: string): LoadedDocument {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return failed(file, '', 'unreadable', `cannot read runbook: ${why}`, 0);
  }
  return loadBytes(bytes, file);
}

export function loadBytes(bytes: Buffer, file: string): LoadedDocument {
  if (bytes.length > MAX_BYTES) return tooLarge(file, bytes.length);
  const nul = bytes.indexOf(0);
  if (nul >= 0) return failed(file, '', 'binary', 'this is not a text file (it contains NUL bytes); a runbook is YAML text', 0);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) return failed(file, text, 'encoding', 'the file is not valid UTF-8 text', bad);
  return loadText(text.replace(/^\uFEFF/, ''), file);
}

export function loadText(text: string, file: string): LoadedDocument {
  if (text.length * 3 > MAX_BYTES && Buffer.byteLength(text) > MAX_BYTES) return tooLarge(file, Buffer.byteLength(text));
  if (text.trim() === '') return failed(file, text, 'empty', 'the file is empty; a runbook needs at least name, title and steps', 0);
  let events: Event[];
  try {
    events = parseEvents(text, { filename: file, maxDepth: LIMITS.maxDepth });
  } catch (e) {
    return yamlFailure(file, text, e);
  }
  if (events.length > MAX_NODES) {
    const at = events[MAX_NODES]!;
    const offset = 'start' in at ? at.start : 'valueStart' in at ? at.valueStart : 0;
    return failed(file, text, 'too-large', `the runbook has more than ${MAX_NODES} YAML values; split it (a step can call another runbook)`, offset);
  }
  const documents = events.reduce((n, ev) => n + (ev.type === EVENT_ID.DOCUMENT ? 1 : 0), 0);
  if (documents > 1) {
    const starts = mapPositions(events, text, new SourceMap(text));
    return failed(file, text, 'multiple-documents',
      `the file holds ${documents} YAML documents; a runbook is one document (split them into separate files)`, starts[1] ?? 0);
  }
  const map = new SourceMap(text, (m) => { mapPositions(events, text, m); });
  try {
    const [value] = constructFromEvents(events, { source: text, filename: file, schema: SCHEMA, ...LIMITS });
    return { file, text, value: value ?? null, map, diagnostics: [] };
  } catch (e) {
    return yamlFailure(file, text, e);
  }
}

function tooLarge(file: string, bytes: number): LoadedDocument {
  return failed(file, '', 'too-large', `runbook is ${bytes} bytes; the limit is ${MAX_BYTES} (split it: a step can call another runbook)`, 0);
}

function yamlFailure(file: string, text: string, e: unknown): LoadedDocument {
  const err = e as { reason?: string; message?: string; mark?: { position?: number } };
  const reason = (err.reason ?? err.message ?? String(e)).split('\n')[0] ?? 'invalid YAML';
  const code = /duplicat/i.test(reason) ? 'duplicate-key' : /tab/i.test(reason) ? 'tab-indent' : /alias/i.test(reason) ? 'alias-limit' : 'yaml';
  const offset = err.mark?.position ?? 0;
  if (code === 'duplicate-key') {
    const key = /^["']?([^"':\n]+)/.exec(text.slice(offset))?.[1]?.trim();
    if (key) return failed(file, text, code, `duplicate key '${key}': a key may appear once per mapping (the second would silently win)`, offset);
  }
  if (/deficient indentation|end of the stream within a (single|double) quoted scalar/.test(reason)) {
    const open = unclosedQuote(text, offset);
    if (open) return failed(file, text, 'yaml', open.message, open.offset);
  }
  if (/^bad indentation of a mapping entry/.test(reason)) {
    const hint = indentationHint(text, offset);
    if (hint) return failed(file, text, 'yaml', hint.message, hint.offset);
  }
  return failed(file, text, code, `invalid YAML: ${reason}`, offset);
}

/** js-yaml stops at a `: ` it cannot place. Two habits cause that: a key indented deeper than the one above it
 *  (read as the rest of that key's plain value, so the error lands on the colon), and an unquoted `: ` inside a
 *  value (`title: Check: disk`). Say which, where the author must edit. */
function indentationHint(text: string, offset: number): { message: string; offset: number } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, (text.indexOf('\n', offset) + 1 || text.length + 1) - 1);
  const m = /^(\s*(?:-\s+)?)([^\s:#'"][^:#]*?):(?:\s|$)/.exec(line);
  if (!m) return undefined;
  const key = m[2]!.trim();
  const colon = lineStart + m[1]!.length + m[2]!.length;
  if (offset > colon) {
    const value = line.slice(m[0].length).trim();
    const at = lineStart + m[0].length + (line.slice(m[0].length).length - line.slice(m[0].length).trimStart().length);
    const quote = quotedThenText(key, value);
    if (quote) return { offset: at, message: quote };
    if (!/:(\s|$)/.test(value)) return undefined;
    return { offset: at,
      message: `the value of '${key}' contains ': ', which YAML reads as the start of another key: quote the value (${key}: "${value.replace(/"/g, '\\"')}")` };
  }
  const before = text.slice(0, Math.max(0, lineStart - 1)).split('\n');
  let above = before.length - 1;
  while (above >= 0 && /^\s*(#.*)?$/.test(before[above]!)) above--;
  const prev = above >= 0 ? /^(\s*(?:-\s+)?)([^\s:#]+):/.exec(before[above]!) : null;
  const indent = m[1]!.length;
  if (!prev || prev[1]!.length >= indent) return undefined;
  return { offset: lineStart + indent,
    message: `'${key}' is indented deeper than '${prev[2]}' on line ${above + 1}, so YAML reads it as part of that value: line the keys up (same indentation)` };
}

/** A quoted value left open reads on into the lines below it, and YAML then complains there (deficient
 *  indentation, end of stream): name the line whose quote is never closed. */
function unclosedQuote(text: string, offset: number): { message: string; offset: number } | undefined {
  const lines = text.slice(0, offset).split('\n');
  let start = offset - (lines[lines.length - 1]?.length ?? 0);
  for (let i = lines.length - 1; i >= 0 && i >= lines.length - 20; i--) {
    const line = lines[i]!;
    start -= i === lines.length - 1 ? 0 : line.length + 1;
    const m = /^(\s*(?:-\s+)?)([^\s:#'"][^:#]*?):\s+(["'])/.exec(line);
    if (!m) continue;
    const q = m[3]!;
    const rest = line.slice(m[0].length);
    const closed = q === "'" ? /(^|[^'])'(?!')/.test(rest.replace(/''/g, '')) : /(^|[^\\])"/.test(rest) || rest.startsWith('"');
    if (closed) return undefined; // the nearest quoted value is closed: the error is something else
    return { offset: start + m[0].length - 1,
      message: `the value of '${m[2]!.trim()}' opens a quote (${q}) on line ${i + 1} that is never closed, so YAML reads the lines below as part of it: close it at the end of the value` };
  }
  return undefined;
}

/** A value that starts with a quote is a quoted scalar up to its closing quote, and YAML allows nothing after
 *  that: `title: 'it's broken'` ends at `'it'`. Said as that, with the fix, not as a `: ` it does not have. */
function quotedThenText(key: string, value: string): string | undefined {
  const q = value[0];
  if (q !== "'" && q !== '"') return undefined;
  let end = -1;
  for (let i = 1; i < value.length; i++) {
    if (q === "'" && value[i] === "'" && value[i + 1] === "'") { i++; continue; }
    if (q === '"' && value[i] === '\\') { i++; continue; }
    if (value[i] === q) { end = i; break; }
  }
  const rest = end < 0 ? '' : value.slice(end + 1).trim();
  if (end < 0 || rest === '' || rest.startsWith('#')) return undefined;
  const inner = value.slice(1).replace(/\s*#.*$/, '');
  const fixed = q === "'" ? `'${inner.replace(/'$/, '').replace(/'/g, "''")}'` : `'${value.replace(/'/g, "''")}'`;
  return `the value of '${key}' is the quoted text ${value.slice(0, end + 1)} and then more (${rest}): YAML allows nothing after a closing quote. `
    + (q === "'" ? `Inside single quotes write a quote twice (${key}: ${fixed}), or use double quotes` : `Quote the whole value (${key}: ${fixed})`);
}

function failed(file: string, text: string, code: string, message: string, offset: number): LoadedDocument {
  const map = new SourceMap(text);
  const { line, col } = map.toPosition(offset);
  return { file, text, value: undefined, map, diagnostics: [{ severity: 'error', code, message: oneLine(message), file, line, col }] };
}

/** A quoted scalar's value starts after its quote; authors count from the quote. */
const quoted = (style: number) => style === SCALAR_STYLE.SINGLE_QUOTED || style === SCALAR_STYLE.DOUBLE_QUOTED;

/** Walks the event stream recording each node's offset by path; returns the start offset of each document. */
function mapPositions(events: Event[], text: string, map: SourceMap): number[] {
  type Frame = { node: number; kind: 'seq' | 'map'; index: number; pendingKey: string | null };
  const stack: Frame[] = [];
  const docStarts: number[] = [];
  let lastEnd = 0; // an empty value (`name:` with nothing after it) has no offset of its own: use where its key ended
  let topKey = '';  // the top-level key whose value is being walked (anchors are recorded under it)
  for (const ev of events) {
    if (ev.type === EVENT_ID.DOCUMENT) { docStarts.push(-1); continue; }
    if (ev.type === EVENT_ID.POP) { stack.pop(); continue; }
    if ('anchorStart' in ev && ev.anchorStart >= 0) {
      const name = text.slice(ev.anchorStart, ev.anchorEnd);
      if (ev.type === EVENT_ID.ALIAS) map.setAlias(name); else map.setAnchor(name, topKey);
    }
    const own = 'start' in ev ? ev.start : 'valueStart' in ev ? (ev.valueStart < 0 ? ev.anchorStart : ev.valueStart - (quoted(ev.style) ? 1 : 0)) : ev.anchorStart;
    const offset = own >= 0 ? own : lastEnd;
    lastEnd = 'valueEnd' in ev && ev.valueEnd >= 0 ? ev.valueEnd : offset;
    if (stack.length === 0 && docStarts[docStarts.length - 1] === -1) docStarts[docStarts.length - 1] = offset;
    const top = stack[stack.length - 1];
    let node = SourceMap.ROOT;
    if (top?.kind === 'map' && top.pendingKey === null) {
      // A key. Complex (non-scalar) keys are rare in runbooks; their contents are not mapped.
      top.pendingKey = ev.type === EVENT_ID.SCALAR ? getScalarValue(text, ev) : `#${top.index}`;
      if (stack.length === 1) topKey = top.pendingKey;
      map.setKeyAt(map.child(top.node, top.pendingKey), offset);
      if (ev.type === EVENT_ID.MAPPING || ev.type === EVENT_ID.SEQUENCE) stack.push({ node: map.child(SourceMap.ROOT, '#key'), kind: 'seq', index: 0, pendingKey: null });
      continue;
    }
    if (top?.kind === 'map') {
      node = map.child(top.node, top.pendingKey ?? '');
      top.pendingKey = null;
      top.index++;
    } else if (top) {
      node = map.child(top.node, top.index++);
    }
    map.setValueAt(node, offset);
    if (ev.type === EVENT_ID.MAPPING) stack.push({ node, kind: 'map', index: 0, pendingKey: null });
    if (ev.type === EVENT_ID.SEQUENCE) stack.push({ node, kind: 'seq', index: 0, pendingKey: null });
  }
  return docStarts.map((o) => Math.max(0, o));
}
