// Which system calls a sandboxed step may not make, per architecture (the numbers of x86-64's table and of the
// generic table arm64 uses). sandbox-seccomp.ts turns these into the filter bwrap loads.
//
// A sandboxed step reads: files, processes, the network. None of the calls below reads anything a runbook needs;
// each administers the machine, reaches into another process, or builds a way around the sandbox. Most already
// need a capability the sandbox drops (and, as root, bubblewrap used no user namespace: the filter is what held),
// so the filter is the second wall, not the first. Reviewed up to MAX_KNOWN: a newer call (a kernel younger than
// this table) is refused with ENOSYS, what libc expects of an older kernel, so it falls back; an unknown call is
// never allowed by default.
export const EPERM = 1;
export const EACCES = 13;
export const ENOSYS = 38;

/** The highest number reviewed (file_setattr, Linux 6.17; the shared 4xx range on both architectures). */
export const MAX_KNOWN = 469;

// Namespace flags of clone()/unshare(): CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET.
// CLONE_NEWTIME (0x80) is only unshare()'s: in clone() that byte is the exit signal.
export const CLONE_NS_FLAGS = 0x7e020000;
export const UNSHARE_NS_FLAGS = CLONE_NS_FLAGS | 0x80;
export const LOCK_EX = 2;
/** fcntl commands refused: a lease (every other opener waits for the holder), and the owner and signal of I/O
 *  notifications (F_SETOWN, F_SETSIG, F_SETOWN_EX: the kernel would signal that pid, outside too). */
export const FCNTL_REFUSED = [1024, 8, 10, 15];
/** ioctl requests refused: a socket's owner for SIGIO/SIGURG (FIOSETOWN, SIOCSPGRP), as F_SETOWN; typing into a
 *  terminal's input (TIOCSTI) and the console's selection and paste (TIOCLINUX): the step stays in the engine's
 *  session (no --new-session: what left it outlived the engine), so a terminal it reaches must not take its keys. */
export const IOCTL_REFUSED = [0x8901, 0x8902, 0x5412, 0x541c];
export const SIGURG = 23;
/** syslog() actions that only read the kernel log or its size (READ, READ_ALL, SIZE_UNREAD, SIZE_BUFFER). */
export const SYSLOG_READS = [2, 3, 9, 10];

/** A call refused whatever its arguments: [name, x86-64 number, arm64 number] (absent on one: undefined). */
type Entry = readonly [name: string, x64: number | undefined, arm64: number | undefined];

/** Refused with EPERM. */
export const REFUSED: readonly Entry[] = [
  // The kernel keyring is shared beyond the sandbox (a user's and the host's keys; as root, no user namespace).
  ['add_key', 248, 217], ['request_key', 249, 218], ['keyctl', 250, 219],
  // Programs in the kernel, and tracing every process on the machine.
  ['bpf', 321, 280], ['perf_event_open', 298, 241],
  // Another process's memory and file descriptors (the PID namespace already hides the host's; this keeps it so
  // inside too, and stops strace-like tricks on the step's own children).
  ['ptrace', 101, 117], ['process_vm_readv', 310, 270], ['process_vm_writev', 311, 271], ['pidfd_getfd', 438, 438],
  ['process_madvise', 440, 440], ['process_mrelease', 448, 448],
  // Signals that carry data, and by pidfd (a /proc/<pid> directory of the host's /proc is one): kill, tkill and
  // tgkill are decided by their arguments (sandbox-seccomp.ts).
  ['rt_sigqueueinfo', 129, 138], ['rt_tgsigqueueinfo', 297, 240], ['pidfd_send_signal', 424, 424],
  // Another kernel, kernel modules.
  ['kexec_load', 246, 104], ['kexec_file_load', 320, 294],
  ['init_module', 175, 105], ['finit_module', 313, 273], ['delete_module', 176, 106],
  // Mounts, old and new API, and the root: the sandbox's read-only view is made of mounts.
  ['mount', 165, 40], ['umount2', 166, 39], ['pivot_root', 155, 41], ['chroot', 161, 51],
  ['open_tree', 428, 428], ['move_mount', 429, 429], ['fsopen', 430, 430], ['fsconfig', 431, 431],
  ['fsmount', 432, 432], ['fspick', 433, 433], ['mount_setattr', 442, 442], ['open_tree_attr', 467, 467],
  // Entering another namespace (creating one: unshare/clone, by their flags, below).
  ['setns', 308, 268],
  // Leaving the step's session: `setsid -f sleep N` outlived a dry run (the sandbox shares the host's PID
  // namespace, so nothing else ends a process that left). Leaving its process group (setpgid) is left: GNU
  // timeout takes a group of its own, and refused it signalled the step's whole group (`timeout 1 sleep 5 || echo`
  // died in a dry run and went on in the real run); what leaves the group stays in the session, which the
  // supervisor's watcher and the step's end sweep (supervise.ts, process-tree.ts).
  ['setsid', 112, 157],
  // The machine itself: swap, reboot, clock, host and domain name, accounting, quotas, I/O ports.
  ['swapon', 167, 224], ['swapoff', 168, 225], ['reboot', 169, 142],
  ['settimeofday', 164, 170], ['clock_settime', 227, 112],
  ['sethostname', 170, 161], ['setdomainname', 171, 162], ['acct', 163, 89],
  ['quotactl', 179, 60], ['quotactl_fd', 443, 443], ['iopl', 172, undefined], ['ioperm', 173, undefined],
  ['vhangup', 153, 58], ['lookup_dcookie', 212, 18],
  // Files by handle (bypassing paths and the mounts on them: the "shocker" escape); page faults of another
  // thread handled in user space (a tool of kernel exploits); watching, and blocking, every access to a file
  // system (fanotify permission events).
  ['name_to_handle_at', 303, 264], ['open_by_handle_at', 304, 265], ['userfaultfd', 323, 282], ['fanotify_init', 300, 262],
];

/** Refused with ENOSYS, so that programs fall back as on a kernel without them. */
export const UNAVAILABLE: readonly Entry[] = [
  // clone3 keeps its flags in a struct the filter cannot read: libc then uses clone, whose flags it can.
  ['clone3', 435, 435],
  // io_uring runs operations (socket, connect, open…) that no filter sees.
  ['io_uring_setup', 425, 425], ['io_uring_enter', 426, 426], ['io_uring_register', 427, 427],
];

/** Calls allowed or refused by an argument (sandbox-seccomp.ts reads the argument's low 32 bits). */
export interface ArgCalls {
  clone: number; unshare: number; flock: number; fcntl: number; ioctl: number; syslog: number; socket: number; socketpair: number;
  // Calls that name another process: the sandbox shares the host's PID namespace (it reads the host's /proc), so
  // each may only name the caller itself (0) or, for signals, its own process group (0).
  kill: number; tkill: number; tgkill: number; setpriority: number; ioprio_set: number; prlimit64: number;
  sched_setparam: number; sched_setscheduler: number; sched_setaffinity: number; sched_setattr: number;
  migrate_pages: number; move_pages: number;
}

export interface ArchTable {
  audit: number;   // AUDIT_ARCH_*: seccomp_data.arch of this architecture's native calls
  x32?: true;      // numbers with bit 30 set are x32 calls (x86-64 only)
  args: ArgCalls;
  refused: number[];
  unavailable: number[];
}

/** Each architecture's column in an Entry. */
export const COLUMN = { x64: 1, arm64: 2 } as const;

const pick = (entries: readonly Entry[], i: 1 | 2): number[] => entries.map((e) => e[i]).filter((n): n is number => n !== undefined);

export const TABLES: Partial<Record<NodeJS.Architecture, ArchTable>> = {
  x64: {
    audit: 0xc000003e, x32: true,
    args: {
      clone: 56, unshare: 272, flock: 73, fcntl: 72, ioctl: 16, syslog: 103, socket: 41, socketpair: 53,
      kill: 62, tkill: 200, tgkill: 234, setpriority: 141, ioprio_set: 251, prlimit64: 302,
      sched_setparam: 142, sched_setscheduler: 144, sched_setaffinity: 203, sched_setattr: 314, migrate_pages: 256, move_pages: 279,
    },
    refused: pick(REFUSED, COLUMN.x64), unavailable: pick(UNAVAILABLE, COLUMN.x64),
  },
  arm64: {
    audit: 0xc00000b7,
    args: {
      clone: 220, unshare: 97, flock: 32, fcntl: 25, ioctl: 29, syslog: 116, socket: 198, socketpair: 199,
      kill: 129, tkill: 130, tgkill: 131, setpriority: 140, ioprio_set: 30, prlimit64: 261,
      sched_setparam: 118, sched_setscheduler: 119, sched_setaffinity: 122, sched_setattr: 274, migrate_pages: 238, move_pages: 239,
    },
    refused: pick(REFUSED, COLUMN.arm64), unavailable: pick(UNAVAILABLE, COLUMN.arm64),
  },
};
