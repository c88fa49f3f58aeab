// bash opens a socket for a redirection to /dev/tcp/HOST/PORT or /dev/udp/…, whatever the direction, and a
// socket goes both ways: `x=/dev/tc; printf 'FLUSHALL\r\n' <"${x}p/127.0.0.1/6379" >&0` sent its bytes to the
// service in a step that validated clean (the lint refused only a literal /dev/tcp path). A redirection target
// bash computes at run time is proven a file only when its literal beginning rules the sockets out. Generated over
// the ways bash computes a word, the literal beginnings that may still lead to /dev/tcp/ or /dev/udp/, every
// redirection operator and the commands around it; checked first against bash and a loopback listener.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import fc from 'fast-check';
// The reader's and the tables' verdict on the author's text (allowlistFindings); a step is proven only when its
// text is in the subset as well (shell-plan.ts, test/language/shell-plan*.test.ts).
import { allowlistFindings as shellDanger } from '../../src/language/validate/shell-lint.js';

const COMPUTED = ['$x', '"$x"', '${x}', '"${x}"', '${{ inputs.p }}', '"$(cat f)"', '`cat f`', '"${x:-a}"'];
const TOWARD_SOCKET = ['', '/', '/d', '/dev', '/dev/', '/dev/t', '/dev/tc', '/dev/tcp', '/dev/tcp/', '/dev/u', '/dev/udp/127.0.0.1/'];
const ELSEWHERE = ['./', 'data/', '/var/log/', '/tmp/runbook-', '/etc/', '/dev/null/', '/proc/self/'];
const OPS = ['<', '0<', '3<', '<>', '3<>', '>', '>>', '2>', '&>', '>|', '>&'];
const LINES = [(r: string) => `cat f ${r}`, (r: string) => `printf 'x\\n' ${r}`, (r: string) => `exec ${r}`, (r: string) => `read -r line ${r}`, (r: string) => `while read -r l; do echo "$l"; done ${r}`];

describe('a redirection bash may turn into a socket is not proven', () => {
  test('bash sends through a socket named at run time, even from a `<` redirection (the corpus is real)', async (t) => {
    const got: string[] = [];
    const server = createServer((c) => { c.on('error', () => {}); c.on('data', (d) => { got.push(d.toString()); c.end('ok\n'); }); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => server.close());
    const port = (server.address() as { port: number }).port;
    // head waits for the answer, which the listener sends only once the bytes arrived.
    const script = `x=/dev/tc; exec 3<"\${x}p/127.0.0.1/${port}"; printf 'FLUSHALL\\r\\n' >&3; head -c 1 <&3 >/dev/null`;
    const code = await new Promise((resolve) => spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { stdio: 'ignore', timeout: 30_000 }).on('close', resolve));
    assert.equal(code, 0);
    assert.deepEqual(got, ['FLUSHALL\r\n']);
    assert.ok(shellDanger(script), script);
  });

  test('every computed target whose literal beginning may lead to /dev/tcp/ or /dev/udp/, with every operator, is refused', () => {
    fc.assert(fc.property(fc.constantFrom(...TOWARD_SOCKET), fc.constantFrom(...COMPUTED), fc.constantFrom('', '/127.0.0.1/5432', 'p/h/80'), fc.constantFrom(...OPS), fc.constantFrom(...LINES), (prefix, computed, tail, op, line) => {
      const script = line(`${op}${prefix}${computed}${tail}`);
      const found = shellDanger(script);
      assert.ok(found, `should not be proven: ${script}`);
    }), { numRuns: 600 });
  });

  test('a tilde or a glob in the target counts as computed; a literal socket path in any spelling is refused', () => {
    for (const t of ['~/f', '~root/f', '/d[e]v/tcp/h/1', '/dev/{tcp,udp}/h/1', '/dev/t?p/h/1', '"/dev/tc"p/h/1', "$'/dev/tcp/h/1'", '/dev/udp/h/53']) {
      for (const op of ['<', '>', '<>', '>&']) assert.ok(shellDanger(`cat f ${op}${t}`), `${op}${t}`);
    }
  });

  test('a computed target whose literal beginning rules the sockets out reads as a file, as before', () => {
    fc.assert(fc.property(fc.constantFrom(...ELSEWHERE), fc.constantFrom(...COMPUTED.filter((c) => !c.includes('cat f'))), (prefix, computed) => {
      const script = `cat ${'<'}${prefix}${computed}`;
      assert.equal(shellDanger(script), undefined, script);
    }), { numRuns: 200 });
    // A here-string's word and a here-document's delimiter are text, not paths.
    for (const s of ['cat <<< "$x"', 'cat <<< "$(echo /dev/tcp/h/1)"', 'cat <<< /dev/tcp/h/1', 'cat <<EOF\n$x\nEOF\n']) assert.equal(shellDanger(s), undefined, s);
    for (const s of ['cat <&0', 'exec 3<&-', 'echo x >&2', 'read -r a < /etc/hostname', 'cat f 2>/dev/null', 'cat -- "$f"']) assert.equal(shellDanger(s), undefined, s);
  });
});
