// curl reads ~/.curlrc ($CURL_HOME, $XDG_CONFIG_HOME) unless its first argument is -q or --disable, and a line
// there may set any option: with `request = DELETE` and `data = …` in it, the proven read `curl -fsS URL` sent
// a DELETE with a body. Since #44 curl is never proven at all (a network client: bytes the author controls reach
// whatever listens); -q first still keeps a vouched GET a GET. Generated over curlrc lines that act and the
// reviewed spellings of a read; each is run by the real curl against a loopback listener under that HOME.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { shellDanger } from '../../src/language/validate/shell-lint.js';

const NETWORK_CLIENT = /a network client/;

const RC_LINES = ['request = DELETE', 'request = POST', 'data = "a=1"', 'json = "{}"', 'upload-file = /dev/null', 'request = PATCH\ndata = x'];
/** Reads that name no method of their own (a -X GET or -I on the command line would override the file's). */
const READS = ['-fsS', '-s', '-sS --max-time 5', "-s -H 'Accept: text/plain'", '-sf --retry 0'];
const SPELLED = [...READS, '-I', '-s -X GET', '--head'];

describe('curl is never proven, with or without ~/.curlrc', () => {
  test('a ~/.curlrc turns a GET into a write; -q first keeps it a GET; the lint proves neither form', async (t) => {
    const requests: string[] = [];
    const server = createServer((req, res) => { requests.push(req.method!); req.resume(); req.on('end', () => res.end('ok\n')); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const home = mkdtempSync(join(tmpdir(), 'runbook-curlrc-'));
    t.after(() => { server.close(); rmSync(home, { recursive: true, force: true }); });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/x`;
    const curl = (line: string) => new Promise((resolve) => spawn('bash', ['-c', line], { env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, CURL_HOME: home }, stdio: 'ignore', timeout: 30_000 }).on('close', resolve));
    const samples = fc.sample(fc.tuple(fc.constantFrom(...RC_LINES), fc.constantFrom(...READS)), { numRuns: 12, seed: 28 });
    for (const [rc, read] of samples) {
      writeFileSync(join(home, '.curlrc'), `${rc}\n`);
      const plain = `curl ${read} ${url} >/dev/null`;
      const quiet = `curl -q ${read} ${url} >/dev/null`;
      requests.length = 0;
      await curl(plain);
      assert.ok(requests.some((m) => !/^(GET|HEAD)$/.test(m)), `curl did not act with '${rc}' (the case is not real): ${requests.join(',')}`);
      assert.ok(shellDanger(plain), `should not be proven: ${plain}`);
      requests.length = 0;
      await curl(quiet);
      assert.deepEqual(requests.filter((m) => !/^(GET|HEAD)$/.test(m)), [], `-q first: ${quiet}`);
      assert.match(shellDanger(quiet) ?? '', NETWORK_CLIENT, quiet);
    }
  });

  test('no first argument makes curl proven', () => {
    fc.assert(fc.property(fc.constantFrom(...SPELLED), fc.constantFrom('-s -q', '-qs', '"$q"', '--disable=1', '-- -q', '-Q', '--disabled', '-K /dev/null -q'), (read, first) => {
      assert.ok(shellDanger(`curl ${first} ${read} http://127.0.0.1/`), `${first} ${read}`);
    }), { numRuns: 60 });
    for (const first of ['-q', '--disable']) assert.match(shellDanger(`curl ${first} -fsS http://127.0.0.1/`) ?? '', NETWORK_CLIENT);
  });
});
