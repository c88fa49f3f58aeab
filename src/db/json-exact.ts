// json and jsonb values as the engine reads them: JSON.parse reads every number as a double, so an integer of
// more than 53 bits came back as another number (9007199254740993 as …992), shown and routed on while the
// server's own ->> gave the first (a probe of stop 72). Such an integer is kept as its digits, a string, as an
// int8 column's is (pg-session.ts); every other value is JSON.parse's.

/** Integers no double holds exactly have 16 digits or more. */
const LONG_DIGITS = /\d{16}/;

export function parseJsonExact(text: string): unknown {
  return JSON.parse(LONG_DIGITS.test(text) ? quoteUnsafeIntegers(text) : text);
}

/** The text with each integer token outside strings that is not a safe integer written as a JSON string. */
function quoteUnsafeIntegers(text: string): string {
  let out = '';
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const token = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i))?.[0] ?? c;
      out += /^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token)) ? `"${token}"` : token;
      i += token.length;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}
