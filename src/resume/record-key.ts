// The key a run's header fingerprints are made with, kept on this machine for this user, never in a transcript
// (a probe of stop 69). A fingerprint salted with a salt the header holds is a plain hash to anyone who reads the
// transcript (a postmortem, the team store): PGPASSWORD's salted sha256, or a ~/.pgpass whose other fields are
// known, gives a short password back to a guesser. Keyed by a secret the transcript does not hold, a guess
// cannot be tested. A resume compares on the machine and as the user that ran (a run resumed elsewhere is
// refused anyway); there the key is the same. Its id (a MAC of a constant) says which key made a header.
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync, writeSync } from 'node:fs';
import { readRegularFile } from '../common/regular-file.js';
import { join } from 'node:path';
import { recordKeyFile } from '../common/record-key-file.js';

export interface RecordKey { id: string; file: string; mac(text: string | Buffer): string }

const KEY_BYTES = 32;
const keys = new Map<string, RecordKey>();

/** This user's record key, made on first use (0600, created exclusively: two first runs agree on one). */
export function recordKey(): RecordKey {
  const file = recordKeyFile();
  let key = keys.get(file);
  if (!key) {
    const bytes = readOrMake(file);
    key = { file, id: createHmac('sha256', bytes).update('runbook record key id').digest('hex').slice(0, 16), mac: (text) => createHmac('sha256', bytes).update(text).digest('hex') };
    keys.set(file, key);
  }
  return key;
}

function readOrMake(file: string): Buffer {
  try {
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try { writeSync(fd, randomBytes(KEY_BYTES)); } finally { closeSync(fd); }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return randomBytes(KEY_BYTES); // no state dir: this run's own key
  }
  for (let i = 0; i < 20; i++) {
    let bytes: Buffer;
    try { bytes = readRegularFile(file, KEY_BYTES); } catch { break; } // not a plain file of a key's size: not used
    if (bytes.length === KEY_BYTES) return bytes;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // another first run is writing it
  }
  return randomBytes(KEY_BYTES);
}
