// Output arrives in chunks; lines are what people read. A line longer than MAX_LINE is cut into pieces so
// that output without newlines (a 200 MB blob on one line) costs linear time and bounded memory.
export const MAX_LINE = 4096;

export function splitLines(partial: string, chunk: string): { lines: string[]; rest: string } {
  const lines = (partial + chunk).replace(/\r\n/g, '\n').split('\n');
  let rest = lines.pop()!;
  const out: string[] = [];
  for (const line of lines) for (let i = 0; i < line.length || i === 0; i += MAX_LINE) out.push(line.slice(i, i + MAX_LINE));
  while (rest.length > MAX_LINE) { out.push(rest.slice(0, MAX_LINE)); rest = rest.slice(MAX_LINE); }
  return { lines: out, rest };
}
