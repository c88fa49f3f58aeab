// Which mounts a proven read's shield and the dry run's sandbox mask (mount-masks.ts), from mountinfo text as
// the kernel writes it: a type not reviewed as inert is masked wherever it is mounted, once, at the topmost
// mount of its path; paths with escapes are the real paths; /dev is bwrap's own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskedPoints } from '../../src/executors/mount-masks.js';
import { parseMountinfo } from '../../src/executors/mountinfo.js';

const line = (id: number, parent: number, point: string, fstype: string, optional = '', root = '/') =>
  `${id} ${parent} 0:${id} ${root} ${point} rw,relatime ${optional}${optional ? ' ' : ''}- ${fstype} none rw`;
/** The kernel writes a path's bytes as they are (UTF-8 here); `raw` replaces each '\u0000' with the byte 0xff. */
const text = (lines: string[], raw = false) => {
  const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8');
  return raw ? Buffer.from(bytes.map((b) => (b === 0 ? 0xff : b))) : bytes;
};
const masked = (...lines: string[]) => maskedPoints(parseMountinfo(text(lines)));

describe('mount masks', () => {
  const base = [line(1, 0, '/', 'ext4'), line(2, 1, '/proc', 'proc'), line(3, 1, '/sys', 'sysfs'), line(4, 1, '/dev', 'devtmpfs')];

  it('masks every type not reviewed as inert, wherever it is mounted, and not the inert ones', () => {
    assert.deepEqual(masked(...base,
      line(5, 3, '/sys/kernel/tracing', 'tracefs'), line(6, 3, '/sys/kernel/debug', 'debugfs'),
      line(7, 1, '/srv/x', 'tracefs', 'shared:3'), line(8, 1, '/mnt/s', 'fuse.sshfs'), line(9, 3, '/sys/fs/bpf', 'bpf'),
      line(10, 1, '/run/user/0', 'tmpfs'), line(11, 3, '/sys/fs/cgroup', 'cgroup2'), line(12, 1, '/home', 'xfs'),
      line(13, 1, '/mnt/new', 'somethingnew')),
    ['/mnt/new', '/mnt/s', '/srv/x', '/sys/fs/bpf', '/sys/kernel/debug', '/sys/kernel/tracing']);
  });

  it('masks autofs and network filesystems: a name looked up there is sent to a program or a server (stop 72)', () => {
    assert.deepEqual(masked(...base, line(5, 1, '/srv', 'autofs'), line(6, 1, '/mnt/nfs', 'nfs4'), line(7, 1, '/mnt/smb', 'cifs'),
      line(8, 1, '/mnt/p9', '9p'), line(9, 1, '/mnt/v', 'virtiofs')), ['/mnt/nfs', '/mnt/p9', '/mnt/smb', '/mnt/v', '/srv']);
  });

  it('reads escaped paths (\\040 is a space) and keeps other bytes', () => {
    assert.deepEqual(masked(...base, line(5, 1, '/tmp/a\\040b\\134c', 'tracefs'), line(6, 1, '/tmp/é', 'debugfs')), ['/tmp/a b\\c', '/tmp/é']);
  });

  it('a mount beneath a masked one is hidden by it; a covered mount is not the one a path reaches', () => {
    assert.deepEqual(masked(...base, line(5, 3, '/sys/kernel/debug', 'debugfs'), line(6, 5, '/sys/kernel/debug/tracing', 'tracefs'),
      line(7, 1, '/mnt/t', 'tracefs'), line(8, 7, '/mnt/t', 'ext4'), line(9, 1, '/mnt/u', 'ext4'), line(10, 9, '/mnt/u', 'configfs')),
    ['/mnt/u', '/sys/kernel/debug']);
  });

  it("leaves /dev to bwrap's --dev, but not the host's /dev/shm the shield binds", () => {
    assert.deepEqual(masked(...base, line(5, 4, '/dev/pts', 'devpts'), line(6, 4, '/dev/mqueue', 'mqueue'), line(7, 4, '/dev/shm', 'tmpfs'),
      line(8, 7, '/dev/shm/t', 'tracefs'), line(9, 1, '/srv/pts', 'devpts')), ['/dev/shm/t', '/srv/pts']);
  });

  it('takes proc as inert only where it shows its files at their own place; a second proc, or a bound proc file elsewhere, is masked whole (stop 74)', () => {
    assert.deepEqual(masked(...base, line(5, 2, '/proc/sys', 'proc', '', '/sys'), line(6, 2, '/proc/sysrq-trigger', 'proc', '', '/sysrq-trigger'),
      line(7, 1, '/mnt/chroot/proc', 'proc'), line(8, 1, '/srv/k', 'proc', '', '/kmsg'), line(9, 1, '/srv/s', 'proc', '', '/sys'),
      line(10, 2, '/proc/bus', 'proc', '', '/sys'), line(11, 1, '/proc2', 'proc')),
    ['/mnt/chroot/proc', '/proc/bus', '/proc2', '/srv/k', '/srv/s']);
  });

  it('refuses a path it cannot name (not UTF-8) rather than mask another', () => {
    assert.throws(() => maskedPoints(parseMountinfo(text([...base, line(5, 1, '/tmp/\u0000', 'tracefs')], true))), /cannot name the path/);
    assert.deepEqual(maskedPoints(parseMountinfo(text([...base, line(5, 1, '/tmp/\u0000', 'ext4')], true))), []);
  });
});
