// The offline sandbox's filter on system calls: no socket can be created but those of its own network namespace,
// so no Unix socket on the filesystem can be connected to.
//
// A network namespace (--unshare-net) cuts TCP and abstract Unix sockets, but a socket on the filesystem
// (a database's /var/run/postgresql/.s.PGSQL.5432, docker.sock, an ssh ControlMaster) is reached by path from
// any namespace. Covering each listening one with a mount was a list taken at one moment: a socket bound after
// it was missed, and one removed between the list and the mount made bwrap fail outright ("Can't mkdir parents
// for …: Read-only file system"), so a host whose sockets come and go broke every offline step. The filter
// does not depend on the host's sockets at all: socket() fails with EACCES for every family but the three the
// network namespace holds (AF_INET, AF_INET6: the sandbox's own loopback; AF_NETLINK: its own interfaces), so
// AF_UNIX is refused, and so are families a network namespace may not cut (AF_VSOCK reaches a VM's host).
//
// socketpair() stays (an unnamed pair reaches nothing outside). io_uring_setup is refused too: io_uring can
// open and connect a socket without the socket() call (IORING_OP_SOCKET). A syscall of another ABI (x32,
// 32-bit compat: socketcall() hides its arguments behind a pointer the filter cannot read) is refused.
//
// The program is classic BPF as seccomp reads it (struct sock_filter: u16 code, u8 jt, u8 jf, u32 k; little
// endian on both architectures here); bwrap loads it with --seccomp FD just before it starts the step.

interface Arch { audit: number; socket: number; ioUringSetup: number; x32?: true }

const ARCHES: Partial<Record<NodeJS.Architecture, Arch>> = {
  x64: { audit: 0xc000003e, socket: 41, ioUringSetup: 425, x32: true },
  arm64: { audit: 0xc00000b7, socket: 198, ioUringSetup: 425 },
};

const LD_ABS_W = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ = 0x15;      // BPF_JMP | BPF_JEQ | BPF_K
const JGE = 0x35;      // BPF_JMP | BPF_JGE | BPF_K
const RET = 0x06;      // BPF_RET | BPF_K
const ALLOW = 0x7fff0000;
const ERRNO = 0x00050000;
const EACCES = 13;
const ENOSYS = 38;
const X32_BIT = 0x40000000;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
// struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]
const NR = 0;
const ARCH = 4;
const ARG0 = 16; // the low half of args[0] (little endian): socket()'s family is an int

type Insn = [code: number, jt: number, jf: number, k: number];

function program(a: Arch): Insn[] {
  // Jump offsets count instructions skipped after the jump; the returns sit at the end.
  return [
    [LD_ABS_W, 0, 0, ARCH],
    [JEQ, 0, 10, a.audit],                 // another ABI → ENOSYS
    [LD_ABS_W, 0, 0, NR],
    a.x32 ? [JGE, 8, 0, X32_BIT] : [JEQ, 8, 0, 0xffffffff], // x32 numbers → ENOSYS (arm64: never true)
    [JEQ, 7, 0, a.ioUringSetup],           // → ENOSYS
    [JEQ, 0, 5, a.socket],                 // socket() → look at its family; anything else → allow
    [LD_ABS_W, 0, 0, ARG0],
    [JEQ, 3, 0, AF_INET],                  // → allow
    [JEQ, 2, 0, AF_INET6],                 // → allow
    [JEQ, 1, 0, AF_NETLINK],               // → allow
    [RET, 0, 0, ERRNO | EACCES],           // any other family: AF_UNIX, AF_VSOCK, …
    [RET, 0, 0, ALLOW],
    [RET, 0, 0, ERRNO | ENOSYS],
  ];
}

/** The filter for this machine's architecture, as bytes; undefined where it has none (no offline sandbox). */
export function unixSocketFilter(arch: NodeJS.Architecture = process.arch): Buffer | undefined {
  const a = ARCHES[arch];
  if (!a) return undefined;
  const insns = program(a);
  const out = Buffer.alloc(insns.length * 8);
  insns.forEach(([code, jt, jf, k], i) => {
    out.writeUInt16LE(code, i * 8);
    out.writeUInt8(jt, i * 8 + 2);
    out.writeUInt8(jf, i * 8 + 3);
    out.writeUInt32LE(k >>> 0, i * 8 + 4);
  });
  return out;
}

/** The bytes as an argument for bash's `printf %b` (\xHH each: NUL bytes cannot travel in argv as they are). */
export const printfEscaped = (bytes: Buffer): string => [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
