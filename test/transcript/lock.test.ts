// The transcript lock: held by whoever has the file open and locked, named in the refusal, released by the
// kernel however the holder ends (here: SIGKILL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockTranscript } from '../../src/transcript/lock.js';
import { scratch, until } from './helpers.js';

const HOLDER = `
const fs = require('fs'), cp = require('child_process');
const fd = fs.openSync(process.argv[1], 'a');
const r = cp.spawnSync('flock', ['-xn', '3'], { stdio: ['ignore', 'ignore', 'inherit', fd] });
process.stdout.write(r.status === 0 ? 'locked\\n' : 'busy\\n');
setInterval(() => {}, 1000);
`;

test('a second holder is refused naming the first one\'s pid; a killed holder leaves no lock behind', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 't.jsonl');
  writeFileSync(file, '');
  const holder = spawn(process.execPath, ['-e', HOLDER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => holder.kill('SIGKILL'));
  let said = '';
  holder.stdout.on('data', (d: Buffer) => { said += d.toString(); });
  await until(() => said.includes('locked'), 60_000, 'the holder to lock');

  const fd = openSync(file, 'a');
  try {
    assert.throws(() => lockTranscript(fd, file), new RegExp(`^UserError: this run is still going \\(pid ${holder.pid} on this host\\): it holds the lock on ${file.replace(/[.]/g, '\\.')}`));
    holder.kill('SIGKILL');
    await new Promise((r) => holder.on('exit', r));
    lockTranscript(fd, file); // the kernel dropped the holder's lock with its process
  } finally {
    closeSync(fd);
  }
  const again = openSync(file, 'a');
  try { lockTranscript(again, file); } finally { closeSync(again); } // and ours with our descriptor
});
