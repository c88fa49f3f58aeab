// Filesystems whose files act when a step opens or reads them are masked, wherever they are mounted: the
// real run's shield and the dry run's sandbox cover each such mount with an empty read-only tmpfs (a mounted
// file with /dev/null). Reading tracefs's trace_pipe takes the events from the tracer, closing free_buffer
// frees the ring buffer (a probe of stop 72 mounted a tracefs at a scratch path and read both through a
// step's cwd: there: no list of paths can know every mount). So it is an allowlist of types, reviewed one by
// one; a type not on it (tracefs, debugfs, configfs, securityfs, bpf, fusectl, efivarfs, rpc_pipefs, fuse and
// every fuse.*, anything new) is masked.
import { lstatSync } from 'node:fs';
import { readMounts, type Mount } from './mountinfo.js';

/** Types whose reads change nothing, and why. */
const INERT = new Set([
  // Files on disks, in memory or the layers of an overlay: reading one returns what was stored.
  'ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'zfs', 'f2fs', 'jfs', 'vfat', 'exfat', 'ntfs', 'ntfs3', 'hfsplus',
  'squashfs', 'erofs', 'iso9660', 'udf', 'tmpfs', 'ramfs', 'rootfs', 'overlay',
  // sysfs: one attribute a file, read without side effects by the kernel's own rule for attributes
  // (what acts there takes a write). cgroup, cgroup2: counters and settings. nsfs: a namespace's handle, read(2)
  // on it fails. mqueue: a queue's file reads its status (a message is taken only by mq_receive). binfmt_misc:
  // the handlers' settings. pstore: the records of past crashes (unlinking erases one; reading does not).
  // selinuxfs: the policy and its state (its transaction files answer only a write). hugetlbfs: stored memory.
  'sysfs', 'cgroup', 'cgroup2', 'nsfs', 'mqueue', 'binfmt_misc', 'pstore', 'selinuxfs', 'hugetlbfs',
]);
/** proc is inert where it shows its files at their own place: /proc, or a part of it bound onto itself (a
 *  container's read-only /proc/sys): the two files there that act are masked by name (shield.ts; the dry run's
 *  sandbox has no capability to open them). Anywhere else, a chroot's second proc mount or /proc/kmsg bound to
 *  another path, it is masked whole: a probe of stop 74 took the kernel's messages from a chroot's /proc/kmsg. */
const procInPlace = (m: Mount): boolean => m.fstype === 'proc' && m.root !== undefined && m.point === (m.root === '/' ? '/proc' : `/proc${m.root}`);

// Not inert, so masked: autofs (a lookup of a missing name runs the administrator's map program as root with the
// name as its argument, logs it and leaves a mount on the host, dry run included: a probe of stop 72 sent a secret
// given to `test -d` that way), and the network filesystems (nfs, cifs, smb3, 9p, virtiofs), where a name looked
// up is sent to the file server: a path is not a local question there.

/** Where a step's /dev is bwrap's minimal one (--dev), the host's mounts there are out of reach already; the
 *  shield binds the host's /dev/shm, so what is mounted beneath that is judged. */
const replacedByDev = (point: string): boolean => point === '/dev' || (point.startsWith('/dev/') && !point.startsWith('/dev/shm/'));

/** The mount points to mask: visible mounts (not covered by one mounted on the same point) of a type not INERT,
 *  outside /dev, and not beneath another that is masked (that one hides them). The root is never masked (a step
 *  needs one). Throws where such a mount's path cannot be named: a step then does not run. */
export function maskedPoints(mounts: Mount[] = readMounts()): string[] {
  const byId = new Map(mounts.map((m) => [m.id, m]));
  const covered = new Set(mounts.filter((m) => byId.get(m.parent)?.point === m.point).map((m) => m.parent));
  const acting = mounts.filter((m) => !covered.has(m.id) && !INERT.has(m.fstype) && !procInPlace(m));
  const named = acting.map((m) => {
    if (m.point === undefined) throw new Error(`a ${m.fstype} filesystem is mounted where runbook cannot name the path (not UTF-8): it cannot be masked from a step`);
    return m.point;
  });
  const points = [...new Set(named)].filter((p) => p !== '/' && !replacedByDev(p)).sort();
  return points.filter((p) => !points.some((q) => p.startsWith(`${q}/`)));
}

/** bwrap's arguments that mask each point (after its other mounts): a directory with an empty read-only tmpfs,
 *  a mounted file with /dev/null (bwrap binds it nodev: opening it is refused). */
export function maskArgs(points: string[] = maskedPoints()): string[] {
  return points.flatMap((p) => (isDir(p) ? ['--tmpfs', p, '--remount-ro', p] : ['--ro-bind', '/dev/null', p]));
}

function isDir(path: string): boolean {
  try { return lstatSync(path).isDirectory(); } catch { return true; } // a FUSE mount whose program is gone
}
