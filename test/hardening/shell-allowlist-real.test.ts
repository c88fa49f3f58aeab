// The shell lint's refusals, run for real through the CLI (issue 28). Each hostile command is of a class the
// generated corpus refuses (an abbreviated or unlisted option, a wrapper's own acting option, code from text,
// stdin or a file, arithmetic on data, an HTTP method or body other than GET/HEAD); each is first run by bash
// in a scratch directory, where it must really create its marker file or send its request to a loopback
// listener (so the assertions are not vacuous). Then the same commands, as runbook steps: unmarked, validate
// names every step and neither `run` nor `run --dry-run` starts; marked destructive, plain mode without
// --approve refuses the gate and --dry-run only shows them. The assertion is the markers: nothing changed, no
// request but GET/HEAD. And the accepted class: proven reads run, dry and real, and change nothing (no network
// client is in it since #44: a curl GET is vouched for, never proven).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { cli, writeRunbook } from './helpers.js';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { startSshd, type Sshd } from '../targets/sshd.js';

/** Hostile commands; @M@ becomes a marker path, @U@ the listener's URL, @D@ the scratch directory. */
const HOSTILE = [
  'sort --ou=@M@ /dev/null', 'sort --outp=@M@ /dev/null', "sed -n --expression='w @M@' /dev/null", "env -S 'touch @M@'", "env --split-string='touch @M@'",
  "env -iS'/usr/bin/touch @M@'", '/usr/bin/time -o @M@ true', 'flock @M@ true', "su root -c 'touch @M@'", 'runuser -u root -- touch @M@',
  'timeout --foreground 5 sort --ou=@M@ /dev/null', 'nice -n 1 sort --ou=@M@ /dev/null', 'xargs -a /dev/null sort --ou=@M@ /dev/null',
  'find @D@ -maxdepth 0 -fprint @M@', 'tee @M@ </dev/null', "awk 'BEGIN { printf \"\" > \"@M@\" }'", "gawk 'BEGIN { f = \"system\"; @f(\"touch @M@\") }'",
  "gawk -W exec /dev/stdin <<'EOF'\nBEGIN { system(\"touch @M@\") }\nEOF", "bash -c 'touch @M@'", "python3 -c 'open(\"@M@\", \"w\")'",
  'x=$(printf %s "a[\\$(touch @M@)]"); echo $(( x ))', 'x=$(printf %s "a[\\$(touch @M@)]"); [[ $x -eq 1 ]]',
  "printf 'touch @M@' | bash", 'date -d now +%s -r /dev/null >/dev/null; sort -o @M@ /dev/null',
  'curl -s -X POST @U@/post', "curl -s --json '{}' @U@/json", 'curl -s -d a=1 @U@/data', "curl -s -K - @U@/config <<'EOF'\nrequest = PATCH\nEOF",
  'curl -s -T /dev/null @U@/upload', 'curl -s --request DELETE @U@/delete',
  // Shell options that change how bash reads the lines after them (shell-options.ts).
  "set -k\nbash -c true BASH_ENV=/dev/stdin <<< 'touch @M@'", "set -o history -H\necho '$(touch @M@)' >/dev/null\necho \"!!:1\" >/dev/null",
  // A socket named at run time, opened by an input redirection (a socket goes both ways; head waits for the answer).
  // A here-document's end as bash finds it inside $( … ): a line that only begins with the delimiter.
  "x=$(cat <<EOF\nx\nEOF)\ntouch @M@\nEOF\n)",
  "u=@U@; u=${u#http://}; x=/dev/tc; exec 3<\"${x}p/${u%:*}/${u##*:}\"; printf 'POST /sock HTTP/1.0\\r\\n\\r\\n' >&3; head -c 1 <&3 >/dev/null",
];

/** Proven reads: they run dry and real, and change nothing. */
const READS = ['cat @D@/data', 'grep -c x @D@/data', 'sort -u @D@/data', "sed -n '1p' @D@/data", "awk '{ print $1 }' @D@/data", 'ls -la @D@', 'wc -l @D@/data',
  'find @D@ -maxdepth 1 -name data', 'date +%s', 'head -n 1 @D@/data | tr -dc a-z', "cut -d' ' -f1 @D@/data", 'tail -n 1 @D@/data', 'uniq @D@/data'];

async function listener(t: { after(fn: () => void): void }) {
  const requests: string[] = [];
  const server = createServer((req, res) => { requests.push(`${req.method} ${req.url}`); req.resume(); req.on('end', () => res.end('ok\n')); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return { requests, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

function scratch(t: { after(fn: () => void): void }): string {
  // Outside /tmp (the sandbox replaces /tmp), so a dry run's sandbox sees this directory, read-only.
  const dir = mkdtempSync('/var/tmp/runbook-allowlist-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'data'), 'x one\ny two\n');
  return dir;
}

const fill = (cmd: string, i: number, dir: string, url: string) => cmd.replaceAll('@M@', join(dir, `m${i}`)).replaceAll('@U@', url).replaceAll('@D@', dir);
const snapshot = (dir: string) => readdirSync(dir).sort().map((n) => `${n}:${n.endsWith('.yaml') ? '' : readFileSync(join(dir, n), 'utf8')}`);
const book = (name: string, steps: string[], extra = '') => [`name: ${name}`, 'title: Allowlist corpus', 'steps:',
  ...steps.flatMap((s, i) => [`  - id: c${i}`, ...(extra ? [extra] : []), '    shell: |', ...s.split('\n').map((l) => `      ${l}`)]),
  '  - id: done', '    end: resolved', ''].join('\n');

describe('the shell lint, run for real: refused commands change nothing unless a gate was answered', { concurrency: true }, () => {
  test('each hostile command acts when bash runs it (the corpus is real)', async (t) => {
    const net = await listener(t);
    const dir = scratch(t);
    for (const [i, c] of HOSTILE.entries()) {
      const before = net.requests.length;
      // Not spawnSync: the listener answers from this process's event loop.
      await new Promise((resolve) => spawn('bash', ['-c', fill(c, i, dir, net.url)], { cwd: dir, stdio: 'ignore', timeout: 30_000 }).on('close', resolve));
      const acted = readdirSync(dir).includes(`m${i}`) || net.requests.slice(before).some((r) => !/^(GET|HEAD) /.test(r));
      assert.ok(acted, `bash did not act: ${c}`);
    }
  });

  test('unmarked: validate names every step; run and --dry-run refuse to start; nothing changes', async (t) => {
    const net = await listener(t);
    const dir = scratch(t);
    const runbook = writeRunbook(dir, 'hostile', book('hostile', HOSTILE.map((c, i) => fill(c, i, dir, net.url))));
    const before = snapshot(dir);
    const v = await cli(['validate', runbook]);
    assert.equal(v.code, 2, v.stdout + v.stderr);
    HOSTILE.forEach((c, i) => assert.match(v.stdout + v.stderr, new RegExp(`hostile\\.yaml:\\d+:\\d+: error: step 'c${i}' runs a shell command`), c));
    for (const flags of [['--dry-run'], []]) {
      const r = await cli(['run', runbook, '--plain', '--no-transcript', ...flags], { cwd: dir });
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.deepEqual(snapshot(dir), before, `${flags.join(' ')}: nothing may change`);
    }
    assert.deepEqual(net.requests, []);
  });

  test('marked destructive: plain mode without --approve refuses the gate, --dry-run shows them; nothing changes', async (t) => {
    const net = await listener(t);
    const dir = scratch(t);
    const runbook = writeRunbook(dir, 'marked', book('marked', HOSTILE.map((c, i) => fill(c, i, dir, net.url)), '    destructive: true'));
    const before = snapshot(dir);
    assert.equal((await cli(['validate', runbook])).code, 0);
    const real = await cli(['run', runbook, '--plain', '--no-transcript'], { cwd: dir });
    assert.notEqual(real.code, 0, real.stdout + real.stderr);
    const dry = await cli(['run', runbook, '--plain', '--dry-run', '--no-transcript'], { cwd: dir });
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    assert.deepEqual(snapshot(dir), before, 'nothing may change without an answered gate');
    assert.deepEqual(net.requests, []);
  });

  test('the accepted class: proven reads validate, run dry and real, and change nothing; nothing reaches the network', async (t) => {
    const net = await listener(t);
    const dir = scratch(t);
    const runbook = writeRunbook(dir, 'reads', book('reads', READS.map((c, i) => fill(c, i, dir, net.url))));
    const before = snapshot(dir);
    const v = await cli(['validate', runbook]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    for (const flags of [['--dry-run'], []]) {
      const r = await cli(['run', runbook, '--plain', '--no-transcript', ...flags], { cwd: dir });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.deepEqual(snapshot(dir), before);
    }
    assert.deepEqual(net.requests, []);
  });
});

/** Database clients writing through every spelling the issue named: @URL@ is the server's URL. */
const CLIENT_WRITES: Record<'postgres' | 'mysql', string[]> = {
  postgres: ['psql "@URL@" -c "UPDATE t SET a = a + 1"', 'psql "@URL@" --command="UPDATE t SET a = a + 1"',
    "psql \"@URL@\" <<'SQL'\nUPDATE t SET a = a + 1\nSQL", 'printf "UPDATE t SET a = a + 1" | psql "@URL@"'],
  mysql: ['mariadb "--defaults-file=/dev/null" -e "UPDATE t SET a = a + 1" @ARGS@', 'mariadb --execute="UPDATE t SET a = a + 1" @ARGS@',
    'mariadb --init-command="UPDATE t SET a = a + 1" -e "SELECT 1" @ARGS@', "mysql @ARGS@ <<'SQL'\nUPDATE t SET a = a + 1\nSQL"],
};

for (const [engine, start] of [['postgres', startPostgres], ['mysql', startMariadb]] as const) {
  describe(`database clients are never proven by the shell lint (${engine === 'postgres' ? 'PostgreSQL' : 'MariaDB'})`, () => {
    let server: LabServer;
    before(async () => {
      server = await start();
      await adminQuery(server, 'CREATE TABLE t (a int)');
      await adminQuery(server, 'INSERT INTO t VALUES (0)');
    });
    after(async () => { await server.stop(); });
    const value = async () => Number((await adminQuery(server, 'SELECT a FROM t'))[0]!.a);
    /** The client's arguments: a URL for psql; mariadb takes the parts (it has no URL option). */
    const fillDb = (cmd: string) => {
      const u = new URL(server.url({ user: server.superuser }));
      const args = `-h ${u.hostname} -P ${u.port} -u ${decodeURIComponent(u.username)} ${u.password ? `-p${decodeURIComponent(u.password)}` : ''} ${u.pathname.slice(1) || 'mysql'}`;
      return cmd.replaceAll('@URL@', server.url({ user: server.superuser })).replaceAll('@ARGS@', args);
    };

    test('each writes when bash runs it; as an unmarked step, validate refuses it and neither run nor --dry-run starts', async (t) => {
      const dir = scratch(t);
      for (const c of CLIENT_WRITES[engine]) {
        const before = await value();
        await new Promise((resolve) => spawn('bash', ['-c', fillDb(c)], { cwd: dir, stdio: 'ignore', timeout: 30_000 }).on('close', resolve));
        assert.equal(await value(), before + 1, `bash did not write: ${c}`);
      }
      const runbook = writeRunbook(dir, 'client', book('client', CLIENT_WRITES[engine].map(fillDb)));
      const v = await cli(['validate', runbook]);
      assert.equal(v.code, 2, v.stdout + v.stderr);
      CLIENT_WRITES[engine].forEach((_, i) => assert.match(v.stdout + v.stderr, new RegExp(`step 'c${i}' runs a shell command`)));
      assert.match(v.stdout + v.stderr, /read a database with an 'sql:' step/);
      const before = await value();
      for (const flags of [['--dry-run'], []]) {
        const r = await cli(['run', runbook, '--plain', '--no-transcript', ...flags], { cwd: dir });
        assert.equal(r.code, 2, r.stdout + r.stderr);
      }
      assert.equal(await value(), before, 'nothing was written');
    });
  });
}

describe('ssh is never proven by the shell lint (the test sshd)', () => {
  let sshd: Sshd;
  before(async () => { sshd = await startSshd(); });
  after(async () => { await sshd?.stop(); });
  const SSH = ["ssh -F @CFG@ @HOST@ 'touch @M@'", "ssh -F @CFG@ @HOST@ <<'EOF'\ntouch @M@\nEOF", "ssh -F @CFG@ @HOST@ bash -s <<'EOF'\ntouch @M@\nEOF",
    "printf 'touch @M@' | ssh -F @CFG@ @HOST@ sh"];

  test('each acts on the host when bash runs it; unmarked, validate refuses it (saying target:) and neither run nor --dry-run starts', async (t) => {
    const dir = scratch(t);
    const fillSsh = (c: string, i: number) => c.replaceAll('@CFG@', sshd.config).replaceAll('@HOST@', sshd.alias).replaceAll('@M@', join(dir, `m${i}`));
    for (const [i, c] of SSH.entries()) {
      await new Promise((resolve) => spawn('bash', ['-c', fillSsh(c, i)], { cwd: dir, stdio: 'ignore', timeout: 60_000 }).on('close', resolve));
      assert.ok(readdirSync(dir).includes(`m${i}`), `ssh did not act: ${c}`);
      rmSync(join(dir, `m${i}`));
    }
    const runbook = writeRunbook(dir, 'remote', book('remote', SSH.map(fillSsh)));
    const before = snapshot(dir);
    const v = await cli(['validate', runbook]);
    assert.equal(v.code, 2, v.stdout + v.stderr);
    SSH.forEach((_, i) => assert.match(v.stdout + v.stderr, new RegExp(`step 'c${i}' runs a shell command`)));
    assert.match(v.stdout + v.stderr, /run on a host with 'target:'/);
    for (const flags of [['--dry-run'], []]) {
      const r = await cli(['run', runbook, '--plain', '--no-transcript', ...flags], { cwd: dir });
      assert.equal(r.code, 2, r.stdout + r.stderr);
    }
    assert.deepEqual(snapshot(dir), before, 'nothing was created on the host');
  });
});
