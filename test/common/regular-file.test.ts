// readRegularFile looks at what a path is before it opens it for reading (stop 72): the engine records client
// files (a `.env` in a step's cwd: …) at a run's start, dry runs included, and its O_RDONLY|O_NONBLOCK open of a
// FIFO completed the open of a writer blocked there, which then went on. Now the path is opened with O_PATH, which
// wakes no writer and calls no driver; a regular file is read, through the same inode.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NotRegularFile, readRegularFile } from '../../src/common/regular-file.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-regular-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('readRegularFile', () => {
  it('reads a regular file, and one through a symlink', () => {
    writeFileSync(join(dir, 'f'), 'hello');
    spawnSync('ln', ['-s', 'f', join(dir, 'l')]);
    assert.equal(readRegularFile(join(dir, 'f'), 100).toString(), 'hello');
    assert.equal(readRegularFile(join(dir, 'l'), 100).toString(), 'hello');
    assert.throws(() => readRegularFile(join(dir, 'f'), 3), NotRegularFile);
    assert.throws(() => readRegularFile(join(dir, 'missing'), 3), /ENOENT/);
  });

  it('a FIFO with a writer waiting in open(): refused, and the writer is still waiting', async () => {
    const fifo = join(dir, 'fifo');
    const marker = join(dir, 'released');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const writer = spawn('bash', ['-c', `exec 3>${fifo}; touch ${marker}`], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300)); // the writer is in open()
      assert.throws(() => readRegularFile(fifo, 100), NotRegularFile);
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(!existsSync(marker), 'the writer was released by the check');
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('a directory and a device are refused without being opened for reading', () => {
    assert.throws(() => readRegularFile(dir, 100), NotRegularFile);
    assert.throws(() => readRegularFile('/dev/null', 100), NotRegularFile);
  });
});
