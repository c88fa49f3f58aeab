// Records keyed by names an author or operator chose (inputs, captures, step ids, connections, environment
// variables). A name like `constructor`, `toString` or `__proto__` is just a name: reads see own properties
// only (a plain read of 'constructor' finds Object), and writes define an own property (a plain write of
// '__proto__' would set the prototype instead, and the value would vanish).

/** The record's own value for `key`, or undefined. */
export function own<T>(rec: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return rec !== undefined && rec !== null && Object.hasOwn(rec, key) ? rec[key] : undefined;
}

/** Whether the record has `key` of its own. */
export const hasOwn = (rec: object | undefined, key: string): boolean => rec !== undefined && rec !== null && Object.hasOwn(rec, key);

/** rec[key] = value, as an own property whatever the key. */
export function setOwn<T>(rec: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(rec, key, { value, enumerable: true, writable: true, configurable: true });
}
