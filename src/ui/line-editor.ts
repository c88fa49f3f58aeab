// One line editor for every text field (a prompt's answer, a high-risk gate's typed id, a note). A read from the
// terminal can hold many keys at once (a paste, keys typed fast on a busy machine or over a laggy ssh): each key
// of the read is applied in order, so "INC-12⌫3⏎" in one read submits "INC-13", exactly as when typed slowly.
// Pure: the ink hook (ink/use-line-input.ts) feeds it raw reads; tests feed it every chunking of the same keys.

/** One key of a read, as the editor sees it. */
export type LineKey =
  | { kind: 'text'; text: string }
  | { kind: 'erase-char' }   // Backspace (DEL or ^H)
  | { kind: 'erase-word' }   // Ctrl-W
  | { kind: 'erase-line' }   // Ctrl-U
  | { kind: 'submit' }       // Enter (CR or LF; a CRLF is one Enter)
  | { kind: 'cancel' };      // Esc on its own

/** The keys of one raw read, in order. An escape sequence (an arrow, a function key) arrives from ink as a read
 *  of its own and is not text: it gives no key here. Other control characters are dropped. */
export function lineKeys(read: string): LineKey[] {
  if (read === '\u001b') return [{ kind: 'cancel' }];
  if (read.startsWith('\u001b')) return [];
  const out: LineKey[] = [];
  let text = '';
  const flush = () => { if (text) { out.push({ kind: 'text', text }); text = ''; } };
  for (let i = 0; i < read.length; i++) {
    const c = read[i]!;
    const key: LineKey | undefined =
      c === '\u007f' || c === '\b' ? { kind: 'erase-char' }
        : c === '\u0017' ? { kind: 'erase-word' }
          : c === '\u0015' ? { kind: 'erase-line' }
            : c === '\r' || c === '\n' ? { kind: 'submit' } : undefined;
    if (key) {
      flush();
      out.push(key);
      if (c === '\r' && read[i + 1] === '\n') i++;
      continue;
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f]/.test(c)) continue;
    text += c;
  }
  flush();
  return out;
}

/** The field's text after one editing key (submit and cancel leave it to the field's owner). */
export function applyKey(value: string, key: LineKey): string {
  switch (key.kind) {
    case 'text': return value + key.text;
    case 'erase-char': return [...value].slice(0, -1).join('');
    case 'erase-word': return value.replace(/\S*\s*$/u, '');
    case 'erase-line': return '';
    default: return value;
  }
}

export interface LineEvents { submit(value: string): void; cancel?(): void }

/** Applies a read to `get()`/`set()` in order; submit and cancel are called between keys, so what a submit
 *  clears is cleared before the next key of the same read. */
export function feedLine(read: string, field: { get(): string; set(v: string): void }, on: LineEvents): void {
  for (const key of lineKeys(read)) {
    if (key.kind === 'submit') on.submit(field.get());
    else if (key.kind === 'cancel') on.cancel?.();
    else field.set(applyKey(field.get(), key));
  }
}
