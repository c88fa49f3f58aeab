// Preloaded (`node --require`) into a CLI run by test/transcript/crash-every-record.test.ts: the process kills
// itself (SIGKILL, as `kill -9` would) just before its Nth durable write — a line of its transcript or an update
// of its run-state file — N from KILL_BEFORE_WRITE. Nothing is faked: the write that would come next never
// happens, and whatever the run does after a real crash there, it does here. With RM_BEFORE_WRITE=DIR the fault is
// instead that directory deleted (rm -rf) just before that write, which then goes ahead.
'use strict';
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');

const at = Number(process.env.KILL_BEFORE_WRITE);
const rmDir = process.env.RM_BEFORE_WRITE;
let seen = 0;
/** A transcript (under its hidden name while its header is written) or a run-state file. */
const DURABLE = /\.jsonl(\.\d+\.[0-9a-f]+\.partial)?( \(deleted\))?$|\/runbook\/runs\//;

function before(target) {
  if (!DURABLE.test(target) || ++seen !== at) return;
  if (rmDir) {
    fs.rmSync(rmDir, { recursive: true, force: true });
    process.stderr.write(`kill-before-write: ${rmDir} deleted before write ${at}\n`); // the test's sign that it hit
  }
  else process.kill(process.pid, 'SIGKILL');
}
const pathOf = (fd) => { try { return fs.readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } };

const { writeSync, writeFileSync } = fs;
fs.writeSync = function (fd, ...rest) { before(pathOf(fd)); return writeSync.call(this, fd, ...rest); };
fs.writeFileSync = function (file, ...rest) { before(typeof file === 'number' ? pathOf(file) : String(file)); return writeFileSync.call(this, file, ...rest); };
syncBuiltinESMExports();
