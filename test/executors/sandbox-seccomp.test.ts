// The filter's program, run by a small classic-BPF interpreter here for both architectures (arm64 included, which
// this machine cannot run): every number up to the reviewed maximum is allowed unless the tables name it, each
// argument rule decides as documented, and the tables' numbers agree with the kernel headers installed here
// (x86-64's unistd_64.h, the generic unistd.h arm64 uses) — an independent source.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { sandboxFilter } from '../../src/executors/sandbox-seccomp.js';
import { EACCES, ENOSYS, EPERM, MAX_KNOWN, REFUSED, TABLES, UNAVAILABLE } from '../../src/executors/sandbox-syscalls.js';

const ALLOW = 'allow';
type Verdict = typeof ALLOW | number | 'kill';

/** Runs the program on one struct seccomp_data: the errno it returns, or allow. */
function run(program: Buffer, audit: number, nr: number, args: number[] = []): Verdict {
  const data = Buffer.alloc(64);
  data.writeInt32LE(nr, 0);
  data.writeUInt32LE(audit >>> 0, 4);
  args.forEach((a, i) => data.writeBigUInt64LE(BigInt.asUintN(64, BigInt(a)), 16 + 8 * i));
  let acc = 0;
  for (let pc = 0; pc * 8 < program.length;) {
    const code = program.readUInt16LE(pc * 8), jt = program[pc * 8 + 2]!, jf = program[pc * 8 + 3]!, k = program.readUInt32LE(pc * 8 + 4);
    pc++;
    if (code === 0x20) { acc = data.readUInt32LE(k); continue; }
    if (code === 0x06) return k === 0x7fff0000 ? ALLOW : (k & 0xffff0000) === 0x00050000 ? k & 0xffff : 'kill';
    const taken = code === 0x15 ? acc === k : code === 0x25 ? acc > k : code === 0x35 ? acc >= k : code === 0x45 ? (acc & k) !== 0 : assert.fail(`opcode ${code}`);
    pc += taken ? jt : jf;
  }
  return assert.fail('ran off the end');
}

/** `#define __NR_<name> <n>` (and the generic table's __NR3264_<name>) from a kernel header, if installed. */
function header(path: string): Map<string, number> | undefined {
  if (!existsSync(path)) return undefined;
  const m = new Map<string, number>();
  for (const [, name, n] of readFileSync(path, 'utf8').matchAll(/#define __NR(?:3264)?_(\w+)\s+(\d+)/g)) m.set(name!, Number(n));
  return m;
}
const HEADERS = { x64: '/usr/include/x86_64-linux-gnu/asm/unistd_64.h', arm64: '/usr/include/asm-generic/unistd.h' } as const;

for (const arch of ['x64', 'arm64'] as const) {
  const t = TABLES[arch]!;
  describe(`the ${arch} filter`, () => {
    for (const offline of [false, true]) {
      const p = sandboxFilter(offline, arch)!;
      test(`${offline ? 'offline' : 'with the network'}: only the listed calls are refused, by number and by argument`, () => {
        const byArg = new Set(Object.values(t.args));
        for (let nr = 0; nr <= MAX_KNOWN; nr++) {
          const want = t.refused.includes(nr) ? EPERM : t.unavailable.includes(nr) ? ENOSYS : ALLOW;
          if (!byArg.has(nr)) assert.equal(run(p, t.audit, nr), want, `call ${nr}`);
        }
        for (const nr of [MAX_KNOWN + 1, 600, 1023]) assert.equal(run(p, t.audit, nr), ENOSYS, `past the table: ${nr}`);
        assert.equal(run(p, 0x40000003, 1), ENOSYS, 'another ABI (32-bit x86)');
        if (t.x32) assert.equal(run(p, t.audit, 0x40000000 + 39), ENOSYS, 'x32');
        const a = t.args;
        assert.equal(run(p, t.audit, a.clone, [0x11]), ALLOW, 'clone: fork (SIGCHLD)');
        assert.equal(run(p, t.audit, a.clone, [0x3d0f00]), ALLOW, 'clone: a thread');
        for (const ns of [0x20000, 0x2000000, 0x4000000, 0x8000000, 0x10000000, 0x20000000, 0x40000000]) {
          assert.equal(run(p, t.audit, a.clone, [ns | 0x11]), EPERM, `clone ${ns.toString(16)}`);
          assert.equal(run(p, t.audit, a.unshare, [ns]), EPERM, `unshare ${ns.toString(16)}`);
        }
        assert.equal(run(p, t.audit, a.clone, [0x80 | 0x11]), ALLOW, "clone: 0x80 is the exit signal's byte there");
        assert.equal(run(p, t.audit, a.unshare, [0x80]), EPERM, 'unshare: CLONE_NEWTIME');
        assert.equal(run(p, t.audit, a.unshare, [0x400]), ALLOW, 'unshare: CLONE_FILES');
        assert.equal(run(p, t.audit, a.flock, [3, 2]), EPERM, 'flock LOCK_EX');
        assert.equal(run(p, t.audit, a.flock, [3, 2 | 4]), EPERM, 'flock LOCK_EX|LOCK_NB');
        assert.equal(run(p, t.audit, a.flock, [3, 1]), ALLOW, 'flock LOCK_SH');
        assert.equal(run(p, t.audit, a.flock, [3, 8]), ALLOW, 'flock LOCK_UN');
        assert.equal(run(p, t.audit, a.fcntl, [3, 1024, 0]), EPERM, 'F_SETLEASE');
        for (const cmd of [0, 1, 2, 3, 4, 6, 7, 9, 1025]) assert.equal(run(p, t.audit, a.fcntl, [3, cmd]), ALLOW, `fcntl ${cmd}`);
        for (const cmd of [8, 10, 15]) assert.equal(run(p, t.audit, a.fcntl, [3, cmd, 1234]), EPERM, `fcntl ${cmd}: I/O signals' owner`);
        for (const req of [0x8901, 0x8902]) assert.equal(run(p, t.audit, a.ioctl, [3, req]), EPERM, `ioctl ${req.toString(16)}`);
        for (const req of [0x5401, 0x541b, 0x8903]) assert.equal(run(p, t.audit, a.ioctl, [3, req]), ALLOW, `ioctl ${req.toString(16)}`);
        // Naming a process: only itself (0), its own group for kill, or signal 0 (and SIGURG by tgkill).
        const pidRules: [keyof typeof a, number[], Verdict][] = [
          ['kill', [0, 15], ALLOW], ['kill', [1234, 0], ALLOW], ['kill', [1234, 15], EPERM], ['kill', [-1, 9], EPERM], ['kill', [-1234, 15], EPERM],
          ['tkill', [1234, 0], ALLOW], ['tkill', [1234, 9], EPERM], ['tgkill', [1234, 1234, 0], ALLOW], ['tgkill', [1234, 1234, 23], ALLOW],
          ['tgkill', [1234, 1234, 6], EPERM], ['setpriority', [0, 0, 5], ALLOW], ['setpriority', [1, 0, 5], ALLOW],
          ['setpriority', [2, 0, 5], EPERM], ['setpriority', [0, 1234, 5], EPERM], ['ioprio_set', [1, 0, 4], ALLOW], ['ioprio_set', [2, 0, 4], ALLOW],
          ['ioprio_set', [3, 0, 4], EPERM], ['ioprio_set', [1, 1234, 4], EPERM], ['prlimit64', [0, 7, 0x7fff1000, 0], ALLOW],
          ['prlimit64', [1234, 7, 0, 0x7fff1000], ALLOW], ['prlimit64', [1234, 7, 0x7fff1000, 0], EPERM], ['prlimit64', [1234, 7, 2 ** 32, 0], EPERM],
          ...(['sched_setparam', 'sched_setscheduler', 'sched_setaffinity', 'sched_setattr', 'migrate_pages', 'move_pages'] as const)
            .flatMap((c) => [[c, [0, 1], ALLOW], [c, [1234, 1], EPERM]] as [keyof typeof a, number[], Verdict][]),
        ];
        for (const [call, args, verdict] of pidRules) assert.equal(run(p, t.audit, a[call], args), verdict, `${call}(${args.join(', ')})`);
        for (let action = 0; action <= 10; action++) assert.equal(run(p, t.audit, a.syslog, [action]), [2, 3, 9, 10].includes(action) ? ALLOW : EPERM, `syslog ${action}`);
        const sockets: [number, number, Verdict][] = [[1, 0, EACCES], [2, 0, EACCES], [10, 0, EACCES], [16, 0, ALLOW], [16, 4, ALLOW], [16, 16, EACCES], [16, 9, EACCES], [17, 0, EACCES], [40, 0, EACCES]];
        for (const [family, protocol, verdict] of sockets) assert.equal(run(p, t.audit, a.socket, [family, 3, protocol]), offline ? verdict : ALLOW, `socket(${family}, …, ${protocol})`);
        assert.equal(run(p, t.audit, a.socketpair, [1, 1, 0]), ALLOW, 'socketpair(AF_UNIX)');
        assert.equal(run(p, t.audit, a.socketpair, [2, 1, 0]), offline ? EACCES : ALLOW, 'socketpair(AF_INET)');
      });
    }

    test("the tables' numbers are the kernel headers' (where the header is installed and knows the call)", { skip: existsSync(HEADERS[arch]) ? false : `no ${HEADERS[arch]}` }, () => {
      const h = header(HEADERS[arch])!;
      const named = [...REFUSED, ...UNAVAILABLE].map(([name, x, a]) => [name, arch === 'x64' ? x : a] as const);
      const args = Object.entries(t.args);
      let checked = 0;
      for (const [name, n] of [...named, ...args]) {
        if (!h.has(name)) { assert.equal(n === undefined || n > 450, true, `${name}: not in the header, and not a call newer than it`); continue; }
        assert.equal(n, h.get(name), name);
        checked++;
      }
      assert.ok(checked >= 55, `${checked} numbers checked`);
    });
  });
}
