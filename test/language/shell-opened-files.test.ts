// Words the lint read as files or flags that the programs read otherwise (issue #44, a probe of stop 66):
// - openssl x509/crl/verify load an operand that starts with http:// over the network (the real openssl, below,
//   sends a loopback listener a request line the author wrote, newlines and all): a URI is not proven;
// - kubectl's boolean flags (--namespaced, --show-events, -w/--watch) take a value only glued, so the next word
//   was kubectl's own option to kubectl (--server=… sent requests where the author said) and skipped by the lint;
// - a file that acts when opened or read (/dev/watchdog arms a reboot, /proc/kmsg takes the kernel's messages
//   from their reader) is not proven, literal or as a value written in at run time.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';

const refused = (script: string, why: RegExp) => assert.match(allowlistFindings(script) ?? '', why, script);
const proven = (script: string) => assert.equal(allowlistFindings(script), undefined, script);

describe('words the programs read otherwise than as the files and flags the lint saw', () => {
  it('openssl: a URI anywhere is not proven; a local file is', () => {
    for (const s of ["openssl x509 -in 'http://127.0.0.1:47313/x' -noout -subject", 'openssl crl -in http://127.0.0.1:1/crl -noout',
      'openssl verify http://127.0.0.1:1/leaf', 'openssl verify -CAfile file:/etc/ssl/ca.pem /tmp/leaf.pem', 'openssl x509 -in HTTP://h/x -noout',
      // openssl's own parser splits a glued value at '=' (a probe of stop 67)
      "openssl x509 -noout '-in=http://127.0.0.1:47393/x\nSET pwned 1\n'", 'openssl crl -noout -in=http://h/crl', 'openssl verify -CAfile=http://h/ca /tmp/leaf.pem']) {
      refused(s, /fetches a URI over the network/);
    }
    proven('openssl x509 -in /etc/ssl/certs/ca.pem -noout -subject');
    proven('openssl verify -CAfile /etc/ssl/ca.pem /tmp/leaf.pem');
  });

  it('the real openssl fetches an -in that starts with http://, as the next word and glued with =; the lint refuses both (the threat is live)', async () => {
    for (const form of [(url: string) => ['-in', url], (url: string) => [`-in=${url}`]]) {
      const got: string[] = [];
      const server = createServer((socket) => { socket.on('data', (d) => { got.push(d.toString()); socket.end(); }); });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const args = ['x509', ...form(`http://127.0.0.1:${port}/x`), '-noout'];
      await new Promise<void>((r) => spawn('openssl', args, { stdio: 'ignore' }).on('close', () => r()));
      server.close();
      assert.match(got.join(''), /^GET \/x HTTP/, `openssl ${args.join(' ')} sent a request`);
      refused(`openssl ${args.join(' ')}`, /fetches a URI over the network/);
    }
  });

  it('kubectl: a boolean flag takes no next word', () => {
    refused('kubectl api-resources --namespaced --server=http://127.0.0.1:47321', /server/);
    refused('kubectl describe --show-events --kubeconfig=/tmp/kc.yaml pods', /kubeconfig/);
    refused('kubectl rollout status --watch --cache-dir=/tmp/c deploy/x', /cache-dir|kubectl rollout/);
    refused('kubectl rollout status -w --cache-dir=/tmp/c deploy/x', /cache-dir|kubectl rollout/);
    proven('kubectl api-resources --namespaced=true -o wide');
    proven('kubectl describe --show-events=false pods');
    proven('kubectl rollout status -w deploy/x');
  });

  it('files that act when opened or read', () => {
    for (const s of ['timeout 1 head -c 200 /proc/kmsg', 'cat /dev/watchdog', 'cat /dev/watchdog0', 'head -c1 //dev//watchdog', 'grep --file=/dev/watchdog x /etc/hosts',
      'wc -c /proc/self/kmsg', 'cat /dev/sda', 'cat < /dev/watchdog', 'head -c1 </proc/kmsg']) {
      refused(s, /acts when it is opened or read/);
    }
    for (const s of ['cat < /proc/meminfo', 'cat /proc/meminfo', 'head -c 16 /dev/urandom', 'cat /dev/null', 'wc -l /proc/net/tcp', 'cat /dev/stdin', 'grep -c x /dev/fd/0']) proven(s);
  });
});

describe('a fifth probe: other spellings and other ways to the same files', () => {
  it('a path the kernel walks to /proc/kmsg or a device is refused however it is spelled', () => {
    for (const s of ['head -c 300 /./proc/kmsg', 'head -c 300 /proc/self/root/proc/kmsg', 'head -c 300 < /./proc/kmsg', 'cat //dev/../dev/watchdog', 'cat /proc/1/root/dev/watchdog']) {
      refused(s, /acts when it is opened or read/);
    }
  });

  it('file names read from input (wc/du --files0-from) and ulimit that sets a limit are not proven', () => {
    refused("printf '/proc/kmsg\\0' | wc -c --files0-from=-", /files0-from/);
    refused('du -s --files0-from=list', /files0-from/);
    refused('ulimit -c unlimited; ls', /ulimit/);
    refused('ulimit -v 300000; ls', /ulimit/);
    proven('ulimit -a');
    proven('ulimit -n');
  });
});

describe('a sixth probe: file names the lint read as options or descriptors', () => {
  /** What the real program does with the words in an empty directory: the names of the files it made. */
  const made = (argv: string[], input = 'x\n'): string[] => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-oracle-'));
    try {
      writeFileSync(join(dir, 'in.txt'), 'hello\n');
      spawnSync(argv[0]!, argv.slice(1), { cwd: dir, input, stdio: ['pipe', 'ignore', 'ignore'] });
      return readdirSync(dir).filter((n) => n !== 'in.txt').sort();
    } finally { rmSync(dir, { recursive: true, force: true }); }
  };

  it('xxd ends its options at its first operand: `xxd in.txt -ps` writes a file named -ps; the lint refuses it', () => {
    for (const args of [['in.txt', '-ps'], ['in.txt', '-a'], ['in.txt', '-c8'], ['-ps', 'in.txt', '-u']]) {
      assert.deepEqual(made(['xxd', ...args]), [args[args.length - 1]!], `xxd ${args.join(' ')}`);
      refused(`xxd ${args.join(' ')}`, /xxd|writes|second/);
    }
    proven('xxd -ps in.txt');
    proven('xxd -c 8 -g 2 in.txt');
  });

  it('tee writes every operand as a file: `2`, `12-` and `-` too; the lint refuses them and proves /dev/null', () => {
    for (const args of [['2'], ['-a', '12-'], ['--', '-']]) {
      assert.deepEqual(made(['tee', ...args]), [args[args.length - 1]!], `tee ${args.join(' ')}`);
      refused(`echo x | tee ${args.join(' ')}`, /tee/);
    }
    proven('echo x | tee /dev/null');
    proven('echo x | tee /dev/stderr');
  });
});
