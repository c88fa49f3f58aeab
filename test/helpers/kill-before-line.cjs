// Preloaded (`node --require`) into a CLI run: the process kills itself (SIGKILL, as `kill -9` would) just before it
// writes the first transcript line holding KILL_BEFORE_LINE (a substring of the line's JSON), so the record ends
// exactly before that line: e.g. after a step's finish and before the branch it takes. The transcript writer writes
// one line per write (transcript/writer.ts). Nothing is faked: what the run did before it, it did.
'use strict';
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');

const needle = process.env.KILL_BEFORE_LINE;
const { writeSync } = fs;
const pathOf = (fd) => { try { return fs.readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } };

fs.writeSync = function (fd, data, ...rest) {
  if (needle && /\.jsonl(\.\d+\.[0-9a-f]+\.partial)?( \(deleted\))?$/.test(pathOf(fd)) && String(Buffer.isBuffer(data) ? data.toString('utf8') : data).includes(needle)) {
    process.kill(process.pid, 'SIGKILL');
  }
  return writeSync.call(this, fd, data, ...rest);
};
syncBuiltinESMExports();
