// The mounts this process sees, from /proc/self/mountinfo (proc(5)): each one's id, its parent's, where it is
// mounted, which directory of its filesystem it shows (a bind's source: /kmsg of a proc) and its type. The kernel writes a space, tab, newline or backslash in a path as \ooo
// (octal), and other bytes as they are: a path that is not UTF-8 cannot be named to bwrap as a string, so it
// comes back as undefined rather than as a path that names some other file.
import { readFileSync } from 'node:fs';

export interface Mount { id: string; parent: string; root: string | undefined; point: string | undefined; fstype: string }

/** The mounts in `text` (mountinfo's format), in its order. */
export function parseMountinfo(text: Buffer): Mount[] {
  return text.toString('latin1').split('\n').filter(Boolean).flatMap((line) => {
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6); // optional fields (shared:N …) end at a lone '-'
    if (dash < 0 || fields.length < dash + 2) return [];
    return [{ id: fields[0]!, parent: fields[1]!, root: decoded(fields[3]!), point: decoded(fields[4]!), fstype: unescaped(fields[dash + 1]!) }];
  });
}

export const readMounts = (): Mount[] => parseMountinfo(readFileSync('/proc/self/mountinfo'));

const unescaped = (field: string): string => field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The field's bytes as a UTF-8 path, or undefined where they are no UTF-8. */
function decoded(field: string): string | undefined {
  const bytes = Buffer.from(unescaped(field), 'latin1');
  const path = bytes.toString('utf8');
  return Buffer.from(path, 'utf8').equals(bytes) ? path : undefined;
}
