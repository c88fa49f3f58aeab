// The client's own path (issue #48): a name with two addresses, the first one dead (SYNs dropped). libpq tries the
// addresses in getaddrinfo's order and waits on the dead one; diagnose, whose own TCP check races them, said "every
// layer works". Now it walks the addresses in that order and names the dead one. The name lives in a private
// /etc/hosts (a mount namespace: the machine's file is never touched), so the test needs root.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDroppingListener, startPostgres, type DroppingListener, type LabServer } from '../../src/lab/index.js';
import { withPrivateFiles } from '../../src/lab/private-files.js';
import { BIN } from '../hardening/helpers.js';
import { plainRelay } from '../helpers/plain-relay.js';
import { privateHosts } from '../helpers/private-hosts.js';

const ROOT_ONLY = process.getuid?.() !== 0 && 'needs root: a mount namespace for a private /etc/hosts';
const NAME = 'two-addresses.test';
// glibc sorts a name's IPv4 addresses by the longest prefix shared with the source (RFC 6724 rule 9): from
// 127.0.0.1, 127.0.0.1 comes first and 127.0.0.3 second, whatever order the hosts file gives.
const DEAD = '127.0.0.1';
const LIVE = '127.0.0.3';


describe('a name whose first address is dead', { skip: ROOT_ONLY }, () => {
  let server: LabServer;
  let dead: DroppingListener;
  let live: { close(): void };
  const dir = mkdtempSync(join(tmpdir(), 'runbook-addresses-'));
  before(async () => {
    server = await startPostgres();
    dead = await startDroppingListener({ host: DEAD });
    live = await plainRelay(LIVE, dead.port, server.port);
  });
  after(async () => { live?.close(); await Promise.all([dead?.close(), server?.stop()]); rmSync(dir, { recursive: true, force: true }); });

  it('diagnose walks the addresses in the order the client does and names the dead first one; the timeout runbook', async () => {
    const files = privateHosts(dir, `127.0.0.1 localhost\n${LIVE} ${NAME}\n${DEAD} ${NAME}\n`);
    const url = server.url().replace(`@127.0.0.1:${server.port}/`, `@${NAME}:${dead.port}/`);
    // 4 s: the login through the live address and the engine's questions after it (five round trips) must fit in
    // what is left of it on a loaded machine (CI: a loopback TCP connect took 259 ms, and 2 s ran out after the login).
    const [cmd, args] = withPrivateFiles(process.execPath, [BIN, 'diagnose', url, '--json', '--timeout', '4s'], files);
    const out = await new Promise<string>((resolve) => execFile(cmd, args, { timeout: 120_000 }, (_e, stdout, stderr) => resolve(`${stdout}${stderr ? `\n${stderr}` : ''}`)));
    const d = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as { classification: string; runbook: string; finding: string; checks: { layer: string; status: string; details?: Record<string, unknown> }[] };
    const dns = d.checks.find((c) => c.layer === 'dns');
    assert.deepEqual(dns?.details?.addresses, [DEAD, LIVE], 'the order getaddrinfo gives, the client\'s');
    const tcp = d.checks.find((c) => c.layer === 'tcp');
    const walk = tcp?.details?.addressWalk as { address: string; ok: boolean; classification?: string }[];
    assert.deepEqual(walk.map((w) => [w.address, w.ok, w.classification]), [[DEAD, false, 'timeout'], [LIVE, true, undefined]], out);
    assert.equal(tcp?.status, 'warn');
    assert.deepEqual([d.classification, d.runbook], ['timeout', 'timeout'], out);
    assert.match(d.finding, new RegExp(`^Connected through a later address, but ${DEAD.replaceAll('.', '\\.')}:${dead.port} \\(tried first, in the order the name resolves\\) never answers`));
  });
});
