// The engine's own secret files, hidden from every step it runs in a sandbox or the shield: the record key
// (common/record-key-file.ts) keys the prints of secret inputs a transcript holds, and a proven read that printed it
// (`find … -name record.key -exec od …`, a probe of stop 74) put it in the transcript beside them: a 4-digit PIN
// came back from its print in two minutes. A step sees /dev/null in its place, by whatever path it reaches it.
import { lstatSync } from 'node:fs';
import { recordKeyFile } from '../common/record-key-file.js';

/** bwrap's arguments that put /dev/null over each such file that exists now (the key is made before any step). */
export function engineFileMasks(): string[] {
  const key = recordKeyFile();
  let isFile = false;
  try { isFile = lstatSync(key).isFile(); } catch { isFile = false; }
  return isFile ? ['--ro-bind', '/dev/null', key] : [];
}
