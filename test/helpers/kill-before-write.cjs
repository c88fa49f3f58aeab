// Preloaded (`node --require`) into a CLI run by test/transcript/crash-every-record.test.ts: a fault just before
// the run's Nth durable write — a line of its transcript or an update of its run-state file — N from
// KILL_BEFORE_WRITE. The fault is the process killed (SIGKILL, as `kill -9` would), or with RM_BEFORE_WRITE=DIR
// that directory deleted (rm -rf), or with FILL_BEFORE_WRITE=FILE the disk under FILE filled by it; after those two
// the write goes ahead. Nothing is faked: whatever the run does after that fault there, it does here.
// TRANSCRIPT_WRITES_ONLY=1 counts only the transcript's lines.
'use strict';
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');

const at = Number(process.env.KILL_BEFORE_WRITE);
const rmDir = process.env.RM_BEFORE_WRITE;
const filler = process.env.FILL_BEFORE_WRITE;
/** A transcript (under its hidden name while its header is written), else a run-state file. */
const TRANSCRIPT = /\.jsonl(\.\d+\.[0-9a-f]+\.partial)?( \(deleted\))?$/;
const DURABLE = process.env.TRANSCRIPT_WRITES_ONLY ? TRANSCRIPT : new RegExp(`${TRANSCRIPT.source}|/runbook/runs/`);
const { writeSync, writeFileSync } = fs;
let seen = 0;

function before(target) {
  if (!DURABLE.test(target) || ++seen !== at) return;
  if (rmDir) fs.rmSync(rmDir, { recursive: true, force: true });
  else if (filler) fill(filler);
  else process.kill(process.pid, 'SIGKILL');
  process.stderr.write(`kill-before-write: the fault before write ${at}\n`); // the test's sign that it hit
}

/** Whole pages, then single bytes, until the disk refuses. */
function fill(file) {
  const fd = fs.openSync(file, 'a');
  try {
    for (const chunk of [Buffer.alloc(4096), Buffer.alloc(1)]) {
      for (;;) { try { writeSync(fd, chunk); } catch { break; } }
    }
  } finally { fs.closeSync(fd); }
}

const pathOf = (fd) => { try { return fs.readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } };
fs.writeSync = function (fd, ...rest) { before(pathOf(fd)); return writeSync.call(this, fd, ...rest); };
fs.writeFileSync = function (file, ...rest) { before(typeof file === 'number' ? pathOf(file) : String(file)); return writeFileSync.call(this, file, ...rest); };
syncBuiltinESMExports();
