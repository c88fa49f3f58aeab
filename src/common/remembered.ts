// A pure function's answer for each text, remembered: a for_each prepares the same statement for every item, and
// reading it again for each cost more than an item may (language/sql/account-stores.ts: ~0.3 ms on MariaDB against
// a 1 ms target). Forgotten all at once past `max` texts: a run holds few statements, and a process must not grow.
export function rememberedByText<T>(answer: (text: string) => T, max = 1_000): (text: string) => T {
  const known = new Map<string, T>();
  return (text) => {
    if (known.has(text)) return known.get(text) as T;
    const found = answer(text);
    if (known.size >= max) known.clear();
    known.set(text, found);
    return found;
  };
}
