// gawk opens a socket for a FILE OPERAND named /inet/tcp/LPORT/HOST/RPORT (also /inet4/, /inet6/, udp), as it
// does for a redirection: `awk '{ print }' /inet/tcp/47114/0/0` listened on a port in a dry run (the sandbox shares
// the host's network) and `awk '{print}' /inet/tcp/0/127.0.0.1/47112` connected out. The lint took awk's operands
// after the program for files to read. Now an operand that is, or may become at run time, such a name is not
// proven; a ${{ }} value there is refused when the engine writes it in. Only loopback here: the one real gawk run
// connects to a listener on 127.0.0.1, and nothing in this test listens on another address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { allowlistFindings, provenWithValues, shellFindings } from '../../src/language/validate/shell-lint.js';
import { planOfTemplate } from '../../src/language/shell-plan.js';

const gawk = spawnSync('gawk', ['--version'], { encoding: 'utf8' }).status === 0;

test('gawk connects out for a file operand /inet/tcp/0/HOST/PORT, and for one its program puts in ARGV (the threat is real)', { skip: !gawk && 'gawk is not installed' }, async (t) => {
  let connections = 0;
  const server = createServer((c) => { connections++; c.on('error', () => {}); c.end('hello\n'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const socket = `/inet/tcp/0/127.0.0.1/${(server.address() as { port: number }).port}`;
  const gawkOut = (args: string[]) => new Promise<string>((resolve) => {
    const p = spawn('gawk', args, { stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 });
    let text = '';
    p.stdout.on('data', (d) => { text += d; });
    p.on('close', () => resolve(text));
  });
  assert.equal(await gawkOut(['{ print }', socket]), 'hello\n', 'gawk read what the listener sent');
  assert.equal(await gawkOut(['-v', `s=${socket}`, 'BEGIN { ARGV[1] = s } { print }', '/dev/null']), 'hello\n');
  assert.equal(connections, 2, 'each connected');
});

test('an awk file operand that is /inet/…, or computed at run time, is not proven', () => {
  for (const name of ['awk', 'gawk', 'mawk']) {
    for (const operand of ['/inet/tcp/47114/0/0', '/inet/tcp/0/127.0.0.1/47112', '/inet4/udp/0/127.0.0.1/53', '/inet6/tcp/0/::1/80', '/inet']) {
      assert.match(allowlistFindings(`${name} '{ print }' ${operand}`) ?? '', /network socket/, `${name} ${operand}`);
      assert.match(allowlistFindings(`${name} -F: '{ print }' f ${operand}`) ?? '', /network socket/, `${name} f ${operand}`);
    }
    // Computed at run time: outside the proven subset (a ${{ }} value is read again when written in, below).
    for (const operand of ['"$f"', '/in"$x"', '"${d}/x"', '"$(cat list)"', '/i*', '*']) {
      assert.ok(shellFindings(`${name} '{ print }' ${operand}`).first, `${name} ${operand}`);
    }
  }
});

test('a program that sets ARGV (gawk opens each element as a file) is not proven; nor SYMTAB, PROCINFO or ARGC', () => {
  for (const program of ['BEGIN { ARGV[1] = "/inet/tcp/0/127.0.0.1/9" } { print }', 'BEGIN { ARGV[ARGC++] = "x" } 1', 'BEGIN { SYMTAB["ARGV"][1] = "x" } 1',
    'BEGIN { PROCINFO["sorted_in"] = "f" }', 'END { print ARGV[1] }']) {
    assert.match(allowlistFindings(`gawk '${program}' f`) ?? '', /chooses the files gawk opens/, program);
  }
  assert.equal(allowlistFindings(`gawk 'BEGIN { ARGVX = 1; print "ARGV" }' f`), undefined, 'only the names themselves');
});

test('files and assignments still read', () => {
  for (const script of ["awk '{ print }' /var/log/syslog", "awk '{ print }' f /etc/hosts", "awk '{ print $1 }' v=1 f",
    "awk '{ print }' ./inet/tcp/0/0/0", "awk '{ print }' v=/inet/tcp/0/0/0 f", "gawk '{ print }' /dev/stdin"]) {
    assert.equal(shellFindings(script).first, undefined, script);
  }
});

test('a ${{ }} value in that place is read again when the engine writes it in: an /inet/ name is refused', () => {
  const plan = planOfTemplate(`awk '{ print }' "\${{ inputs.file }}"`);
  assert.ok(plan, 'the template is in the proven subset');
  assert.equal(shellFindings(`awk '{ print }' "\${{ inputs.file }}"`).first, undefined, 'proven as validate reads it');
  assert.equal(provenWithValues(plan, ['/var/log/syslog']), true);
  for (const v of ['/inet/tcp/0/127.0.0.1/47112', '/inet/tcp/47114/0/0', '/inet6/udp/0/::1/53']) assert.equal(provenWithValues(plan, [v]), false, v);
  // A value that completes a literal beginning.
  const joined = planOfTemplate(`awk '{ print }' f /in"\${{ inputs.rest }}"`)!;
  assert.equal(shellFindings(`awk '{ print }' f /in"\${{ inputs.rest }}"`).first, undefined);
  assert.equal(provenWithValues(joined, ['et/tcp/0/127.0.0.1/47112']), false);
  assert.equal(provenWithValues(joined, ['fo']), true);
});
