// Just enough markdown for manual-step instructions in a terminal: headings, bullets, `code`, **bold**,
// fenced blocks. Anything else is shown as written.
export interface Segment { text: string; style?: 'bold' | 'code' | 'heading' }
export type MarkdownLine = Segment[];

export function markdownLines(source: string): MarkdownLine[] {
  const out: MarkdownLine[] = [];
  let fenced = false;
  for (const raw of source.replace(/\r\n/g, '\n').trimEnd().split('\n')) {
    if (/^\s*```/.test(raw)) { fenced = !fenced; continue; }
    if (fenced) { out.push([{ text: `  ${raw}`, style: 'code' }]); continue; }
    const heading = /^#{1,6}\s+(.*)$/.exec(raw);
    if (heading) { out.push([{ text: heading[1]!, style: 'heading' }]); continue; }
    const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(raw);
    out.push(bullet ? [{ text: `${bullet[1]}• ` }, ...inline(bullet[2]!)] : inline(raw));
  }
  return out;
}

function inline(text: string): Segment[] {
  const segs: Segment[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) segs.push({ text: text.slice(last, m.index) });
    segs.push(m[1] !== undefined ? { text: m[1], style: 'code' } : { text: m[2]!, style: 'bold' });
    last = m.index + m[0].length;
  }
  if (last < text.length || !segs.length) segs.push({ text: text.slice(last) });
  return segs;
}
