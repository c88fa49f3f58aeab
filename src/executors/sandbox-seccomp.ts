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
//   syslog            anything but reading the kernel log (clearing it, console levels).
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
  CLONE_NS_FLAGS, EACCES, ENOSYS, EPERM, F_SETLEASE, LOCK_EX, MAX_KNOWN, SYSLOG_READS, TABLES, UNSHARE_NS_FLAGS,
  type ArchTable,
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
// endian) is at 16 + 8 * i: every argument looked at is an int or flags whose high half the kernel ignores.
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
/** "the call is `nr`" → continue at the next instruction; otherwise → `other`. */
const isCall = (nr: number, other: string): Item => ({ code: JEQ, k: nr, jf: other });

function program(t: ArchTable, offline: boolean): Item[] {
  const a = t.args;
  const items: Item[] = [
    load(ARCH), { code: JEQ, k: t.audit, jf: 'enosys' },
    load(NR),
    t.x32 ? { code: JGE, k: X32_BIT, jt: 'enosys' } : { code: JEQ, k: 0xffffffff, jt: 'enosys' },
    { code: JGT, k: MAX_KNOWN, jt: 'enosys' },
  ];
  // Each refused number returns right where it matches: no jump grows with the list.
  for (const nr of t.unavailable) items.push({ code: JEQ, k: nr, jf: `u${nr}` }, ret(ERRNO | ENOSYS), { label: `u${nr}` });
  for (const nr of t.refused) items.push({ code: JEQ, k: nr, jf: `r${nr}` }, ret(ERRNO | EPERM), { label: `r${nr}` });
  const byFlag = (nr: number, i: number, bits: number, name: string): void => {
    items.push(isCall(nr, name), load(arg(i)), { code: JSET, k: bits, jt: 'eperm' }, ret(ALLOW), { label: name });
  };
  byFlag(a.clone, 0, CLONE_NS_FLAGS, 'not-clone');
  byFlag(a.unshare, 0, UNSHARE_NS_FLAGS, 'not-unshare');
  byFlag(a.flock, 1, LOCK_EX, 'not-flock');
  items.push(isCall(a.fcntl, 'not-fcntl'), load(arg(1)), { code: JEQ, k: F_SETLEASE, jt: 'eperm' }, ret(ALLOW), { label: 'not-fcntl' });
  items.push(isCall(a.syslog, 'not-syslog'), load(arg(0)));
  for (const action of SYSLOG_READS) items.push({ code: JEQ, k: action, jt: 'allow' });
  items.push(ret(ERRNO | EPERM), { label: 'not-syslog' });
  if (offline) {
    items.push(isCall(a.socket, 'not-socket'), load(arg(0)), { code: JEQ, k: AF_NETLINK, jf: 'eacces' }, load(arg(2)));
    for (const protocol of [NETLINK_ROUTE, NETLINK_SOCK_DIAG]) items.push({ code: JEQ, k: protocol, jt: 'allow' });
    items.push(ret(ERRNO | EACCES), { label: 'not-socket' });
    items.push(isCall(a.socketpair, 'allow'), load(arg(0)), { code: JEQ, k: AF_UNIX, jt: 'allow' }, { label: 'eacces' }, ret(ERRNO | EACCES));
  }
  items.push({ label: 'allow' }, ret(ALLOW), { label: 'eperm' }, ret(ERRNO | EPERM), { label: 'enosys' }, ret(ERRNO | ENOSYS));
  return items;
}

/** The filter for this machine's architecture, as bytes: `offline` adds the sockets; undefined where
 *  this architecture has no table (then no sandbox). */
export function sandboxFilter(offline: boolean, arch: NodeJS.Architecture = process.arch): Buffer | undefined {
  const table = TABLES[arch];
  return table ? assemble(program(table, offline)) : undefined;
}

/** The bytes as an argument for bash's `printf %b` (\xHH each: NUL bytes cannot travel in argv as they are). */
export const printfEscaped = (bytes: Buffer): string => [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
