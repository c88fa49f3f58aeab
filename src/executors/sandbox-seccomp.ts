// The sandbox's filter on system calls (classic BPF, as seccomp reads it), built from the tables in
// sandbox-syscalls.ts. Every sandboxed step gets it; bwrap loads it with --seccomp FD just before it starts the step.
//
// Always refused: the calls of sandbox-syscalls.ts (EPERM, or ENOSYS where a program should fall back), any
// number past the reviewed ones (ENOSYS), a call of another ABI (x32, 32-bit compat: socketcall() hides its
// arguments behind a pointer the filter cannot read; ENOSYS), and by argument:
//   clone, unshare    with a namespace flag (a new namespace is a new set of capabilities, and the kernel code
//                     they reach: nftables, mounts…);
//   flock LOCK_EX     an exclusive lock on a host file (opened read-only) would block its real users;
//   fcntl F_SETLEASE  a lease makes every other opener of the file wait for the holder (45 s by default);
//   F_SETOWN…, ioctl  the owner of I/O signals (the kernel would signal that pid);
//   syslog            anything but reading the kernel log (clearing it, console levels);
//   signals, priorities, affinity, limits, page migration of another process: the sandbox shares the host's PID
//                     namespace, so that its pids are /proc's (ps looks itself up there; a pid read is the pid tested), and
//                     these may only name the caller itself (pid 0), or its own process group for kill; kill and
//                     tkill with signal 0 (does it exist?) stay, and reading another's limits.
//
// Offline (a step the lint could not prove to read) also: no socket but netlink's routing and socket-diagnostic
// protocols (socket() fails with EACCES), so the step sees the host's interfaces and listeners (ip, ss,
// /proc/net: the host's network namespace, read) and can reach nothing: no TCP or UDP, no Unix socket (a
// database's .s.PGSQL.5432, docker.sock, an ssh ControlMaster, abstract ones), no VM host (AF_VSOCK). Netlink
// changes need CAP_NET_ADMIN over the host's namespace, which the sandbox has not. socketpair() stays for AF_UNIX
// alone: an unnamed pair reaches nothing outside. io_uring, which opens sockets without socket(), is refused.
//
// The program: struct sock_filter { u16 code; u8 jt; u8 jf; u32 k } in little endian (both architectures here).
import {
  CLONE_NS_FLAGS, COLUMN, EACCES, ENOSYS, EPERM, FCNTL_REFUSED, IOCTL_REFUSED, LOCK_EX, MAX_KNOWN, REFUSED, SIGURG, SYSLOG_READS, TABLES,
  UNSHARE_NS_FLAGS, type ArchTable,
} from './sandbox-syscalls.js';

const LD_ABS_W = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ = 0x15;      // BPF_JMP | BPF_JEQ | BPF_K
const JGT = 0x25;      // BPF_JMP | BPF_JGT | BPF_K
const JGE = 0x35;      // BPF_JMP | BPF_JGE | BPF_K
const JSET = 0x45;     // BPF_JMP | BPF_JSET | BPF_K
const RET = 0x06;      // BPF_RET | BPF_K
const ALLOW = 0x7fff0000;
const ERRNO = 0x00050000;
const X32_BIT = 0x40000000;
const AF_UNIX = 1;
const AF_NETLINK = 16;
const NETLINK_ROUTE = 0;
const NETLINK_SOCK_DIAG = 4;
// struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]. An argument's low half (little
// endian) is at 16 + 8 * i: every argument looked at is an int or flags whose high half the kernel ignores, but
// prlimit64's pointer, whose halves are both read.
const NR = 0;
const ARCH = 4;
const arg = (i: number): number => 16 + 8 * i;

/** A jump's targets: a label, or 0 for the next instruction. */
type Target = string | 0;
type Item = { label: string } | { code: number; k: number; jt?: Target; jf?: Target };

/** Resolves labels to the relative offsets classic BPF wants (each at most 255 instructions ahead). */
function assemble(items: Item[]): Buffer {
  const at = new Map<string, number>();
  const insns: Exclude<Item, { label: string }>[] = [];
  for (const item of items) {
    if ('label' in item) at.set(item.label, insns.length);
    else insns.push(item);
  }
  const out = Buffer.alloc(insns.length * 8);
  insns.forEach((insn, i) => {
    const offset = (t: Target | undefined): number => {
      if (!t) return 0;
      const to = at.get(t);
      if (to === undefined || to <= i || to - i - 1 > 255) throw new Error(`seccomp: bad jump to ${t} at ${i}`);
      return to - i - 1;
    };
    out.writeUInt16LE(insn.code, i * 8);
    out.writeUInt8(offset(insn.jt), i * 8 + 2);
    out.writeUInt8(offset(insn.jf), i * 8 + 3);
    out.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
  });
  return out;
}

const ret = (k: number): Item => ({ code: RET, k });
const load = (k: number): Item => ({ code: LD_ABS_W, k });

/** Argument checks that must all hold: [offset in seccomp_data, value]. */
type Cond = [offset: number, value: number][];
const low = (i: number, value: number): [number, number] => [arg(i), value];
const high = (i: number, value: number): [number, number] => [arg(i) + 4, value];

/** For call `nr`: `then` when any of `conds` holds, else `otherwise`; other calls go on to the next rule. Every
 *  rule returns where it decides, so no jump grows with the program. */
function when(name: string, nr: number, conds: Cond[], then: number, otherwise: number): Item[] {
  const items: Item[] = [{ code: JEQ, k: nr, jf: `${name}:end` }];
  conds.forEach((cond, j) => {
    for (const [offset, value] of cond) items.push(load(offset), { code: JEQ, k: value, jf: `${name}:${j + 1}` });
    items.push(ret(then), { label: `${name}:${j + 1}` });
  });
  items.push(ret(otherwise), { label: `${name}:end` });
  return items;
}

/** For call `nr`: refused when argument `i` has any of `bits`. */
const unlessFlags = (name: string, nr: number, i: number, bits: number): Item[] =>
  [{ code: JEQ, k: nr, jf: `${name}:end` }, load(arg(i)), { code: JSET, k: bits, jf: `${name}:ok` }, ret(ERRNO | EPERM),
    { label: `${name}:ok` }, ret(ALLOW), { label: `${name}:end` }];

const refuse = ERRNO | EPERM;
/** Only itself (0): a process the sandbox names by pid may be a host process, outside the sandbox. */
const self = (i: number): Cond[] => [[low(i, 0)]];

function program(t: ArchTable, offline: boolean, refused: readonly number[] = t.refused): Item[] {
  const a = t.args;
  const items: Item[] = [
    load(ARCH), { code: JEQ, k: t.audit, jt: 'arch' }, ret(ERRNO | ENOSYS), { label: 'arch' },
    load(NR), t.x32 ? { code: JGE, k: X32_BIT, jf: 'native' } : { code: JEQ, k: 0xffffffff, jf: 'native' }, ret(ERRNO | ENOSYS),
    { label: 'native' }, { code: JGT, k: MAX_KNOWN, jf: 'known' }, ret(ERRNO | ENOSYS), { label: 'known' },
  ];
  for (const nr of t.unavailable) items.push({ code: JEQ, k: nr, jf: `u${nr}` }, ret(ERRNO | ENOSYS), { label: `u${nr}` });
  for (const nr of refused) items.push({ code: JEQ, k: nr, jf: `r${nr}` }, ret(refuse), { label: `r${nr}` });
  items.push(
    ...unlessFlags('clone', a.clone, 0, CLONE_NS_FLAGS),
    ...unlessFlags('unshare', a.unshare, 0, UNSHARE_NS_FLAGS),
    ...unlessFlags('flock', a.flock, 1, LOCK_EX),
    ...when('fcntl', a.fcntl, FCNTL_REFUSED.map((cmd) => [low(1, cmd)]), refuse, ALLOW),
    ...when('ioctl', a.ioctl, IOCTL_REFUSED.map((req) => [low(1, req)]), refuse, ALLOW),
    ...when('syslog', a.syslog, SYSLOG_READS.map((action) => [low(0, action)]), ALLOW, refuse),
    // Signals: to its own process group (pid 0), or only asking whether a process exists (signal 0). tgkill may
    // also send SIGURG, which Go's runtime sends its own threads to preempt them (ignored by default elsewhere).
    ...when('kill', a.kill, [[low(0, 0)], [low(1, 0)]], ALLOW, refuse),
    ...when('tkill', a.tkill, [[low(1, 0)]], ALLOW, refuse),
    ...when('tgkill', a.tgkill, [[low(2, 0)], [low(2, SIGURG)]], ALLOW, refuse),
    // Priorities and limits of itself or its own group only (PRIO_USER 0 would be every process of its user).
    ...when('setpriority', a.setpriority, [[low(0, 0), low(1, 0)], [low(0, 1), low(1, 0)]], ALLOW, refuse),
    ...when('ioprio_set', a.ioprio_set, [[low(0, 1), low(1, 0)], [low(0, 2), low(1, 0)]], ALLOW, refuse),
    ...when('prlimit64', a.prlimit64, [[low(0, 0)], [low(2, 0), high(2, 0)]], ALLOW, refuse), // another's: read only
    ...when('sched_setparam', a.sched_setparam, self(0), ALLOW, refuse),
    ...when('sched_setscheduler', a.sched_setscheduler, self(0), ALLOW, refuse),
    ...when('sched_setaffinity', a.sched_setaffinity, self(0), ALLOW, refuse),
    ...when('sched_setattr', a.sched_setattr, self(0), ALLOW, refuse),
    ...when('migrate_pages', a.migrate_pages, self(0), ALLOW, refuse),
    ...when('move_pages', a.move_pages, self(0), ALLOW, refuse),
  );
  if (offline) {
    items.push(
      ...when('socket', a.socket, [NETLINK_ROUTE, NETLINK_SOCK_DIAG].map((p) => [low(0, AF_NETLINK), low(2, p)]), ALLOW, ERRNO | EACCES),
      ...when('socketpair', a.socketpair, [[low(0, AF_UNIX)]], ALLOW, ERRNO | EACCES),
    );
  }
  items.push(ret(ALLOW));
  return items;
}

/** The filter for this machine's architecture, as bytes: `offline` adds the sockets; undefined where
 *  this architecture has no table (then no sandbox). */
export function sandboxFilter(offline: boolean, arch: NodeJS.Architecture = process.arch): Buffer | undefined {
  const table = TABLES[arch];
  return table ? assemble(program(table, offline)) : undefined;
}

/** The real run's shield (shield.ts): the online filter but setns, since the filter is loaded before nsenter joins
 *  the step's user namespace (joining one needs CAP_SYS_ADMIN over its owner, which the step has over its own
 *  alone). */
export function shieldFilter(arch: NodeJS.Architecture = process.arch): Buffer | undefined {
  const table = TABLES[arch];
  if (!table || !(arch in COLUMN)) return undefined;
  const column = COLUMN[arch as keyof typeof COLUMN];
  const setns = REFUSED.find(([name]) => name === 'setns')?.[column];
  return assemble(program(table, false, table.refused.filter((nr) => nr !== setns)));
}

/** The bytes as an argument for bash's `printf %b` (\xHH each: NUL bytes cannot travel in argv as they are). */
export const printfEscaped = (bytes: Buffer): string => [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');

/** bwrap reads a filter from a file descriptor (`--seccomp SECCOMP_FD`): a pipe that bash fills (printf) as it
 *  starts `argv`. */
export const SECCOMP_FD = '9';
export const withFilterOnFd = (bash: string, escaped: string, argv: readonly string[]): string[] =>
  [bash, '-c', `exec ${SECCOMP_FD}< <(printf %b "$0"); exec "$@"`, escaped, ...argv]; // two execs: bash then closes the pipe's own fd
