// JSON.stringify(value, null, 2), written in pieces: a list given as a Lazy is read and written one element at
// a time, so a report's timeline and outputs never stand in memory whole. The text is the same, byte for byte,
// as JSON.stringify of the value with each Lazy an array of its elements (test/transcript/report-stream.test.ts).

/** A list read only when it is written (each call of `read` starts it again). */
export class Lazy<T> {
  constructor(readonly read: () => Iterable<T>) {}
}

/** The JSON text of `value`, in pieces; `level`: how deep it stands (its closing bracket's indentation). */
export function* jsonPieces(value: unknown, level = 0): Generator<string> {
  if (value instanceof Lazy) {
    yield* items(level, value.read());
  } else if (Array.isArray(value) && containsLazy(value)) {
    yield* items(level, value);
  } else if (isPlainObject(value) && containsLazy(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
    if (entries.length === 0) { yield '{}'; return; }
    const pad = '  '.repeat(level + 1);
    yield '{\n';
    for (const [i, [k, v]] of entries.entries()) {
      yield `${pad}${JSON.stringify(k)}: `;
      yield* jsonPieces(v, level + 1);
      yield i < entries.length - 1 ? ',\n' : '\n';
    }
    yield `${'  '.repeat(level)}}`;
  } else {
    yield indented(JSON.stringify(value, null, 2) ?? 'null', level);
  }
}

function* items(level: number, list: Iterable<unknown>): Generator<string> {
  const pad = '  '.repeat(level + 1);
  let first = true;
  for (const item of list) {
    yield `${first ? '[\n' : ',\n'}${pad}`;
    first = false;
    yield* jsonPieces(item, level + 1);
  }
  yield first ? '[]' : `\n${'  '.repeat(level)}]`;
}

/** A value's JSON (indent 2) as it stands `level` deep: its lines after the first moved right. Strings hold no
 *  raw line break in JSON, so every '\n' is the layout's. */
const indented = (json: string, level: number): string => (level === 0 ? json : json.replaceAll('\n', `\n${'  '.repeat(level)}`));

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

function containsLazy(v: Record<string, unknown> | unknown[]): boolean {
  return Object.values(v).some((x) => x instanceof Lazy || ((isPlainObject(x) || Array.isArray(x)) && containsLazy(x)));
}
