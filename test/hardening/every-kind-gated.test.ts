// Every step kind goes through the same gate, lint and dry-run rules: a destructive wait (shell and SQL on real
// PostgreSQL and MariaDB), a destructive probe and a called runbook's destructive step are shown (with their
// commands) and not run in a dry run, refused without approval in plain mode, and run only once approved. The
// lint reads wait.shell and wait.sql like shell and sql steps. The gate shows env (masked), cwd, timeout and how
// many attempts the one approval covers, in plain mode, in the transcript and in the report.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, transcriptLines, writeRunbook } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const KINDS = `name: kinds
title: Every kind behind its gate
inputs:
  marker: { required: true }
  port: { required: true, type: number }
steps:
  - id: probe-gated
    destructive: true
    probe: tcp
    with: { host: 127.0.0.1, port: "\${{ inputs.port }}" }
  - id: wait-rm
    destructive: true
    retry: { attempts: 3, backoff: 1s }
    wait:
      shell: rm -f \${{ inputs.marker }}; echo gone
      until: result.output == 'gone'
      every: 1s
      for: 20s
  - id: call
    runbook:
      name: ./child.yaml
      inputs: { marker: "\${{ inputs.marker }}-child" }
  - id: done
    end: resolved
`;

const CHILD = `name: child
title: A called runbook with a destructive step
inputs:
  marker: { required: true }
steps:
  - id: child-rm
    destructive: true
    shell: rm -f \${{ inputs.marker }}
  - id: ok
    end: resolved
`;

/** A loopback listener that counts connections: the probe's only effect. */
async function listener(t: { after(fn: () => void): void }): Promise<{ port: number; connections: () => number }> {
  let n = 0;
  const server: Server = createServer((s) => { n++; s.end(); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return { port: (server.address() as { port: number }).port, connections: () => n };
}

async function setup(t: { after(fn: () => void): void }) {
  const dir = scratch(t, 'runbook-kinds-');
  const marker = join(dir, 'marker');
  writeFileSync(marker, 'x');
  writeFileSync(`${marker}-child`, 'x');
  writeRunbook(dir, 'child', CHILD);
  const l = await listener(t);
  return { dir, marker, listener: l, runbook: writeRunbook(dir, 'kinds', KINDS), args: ['-i', `marker=${marker}`, '-i', `port=${l.port}`], transcript: join(dir, 'run.jsonl') };
}

describe('wait, probe and called runbooks go through the same gate and dry run', { concurrency: true }, () => {
  test('--dry-run: nothing acts, each gate shows its command, the plan names every gated step', async (t) => {
    const s = await setup(t);
    const r = await cli(['run', s.runbook, '--plain', '--dry-run', '--transcript', s.transcript, ...s.args], { cwd: s.dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(existsSync(s.marker), "the destructive wait's rm ran");
    assert.ok(existsSync(`${s.marker}-child`), "the called runbook's rm ran");
    assert.equal(s.listener.connections(), 0, 'the destructive probe connected');
    assert.doesNotMatch(r.stdout, /cannot show the command|no destructive step was reached/);
    assert.match(r.stdout, /a real run would ask you to confirm:\n {2}- probe-gated: probe tcp 127\.0\.0\.1:\d+\n {2}- wait-rm: rm -f \S+marker; echo gone.*\n {2}- call\/child-rm: rm -f \S+marker-child/);
    const gates = transcriptLines(s.transcript).filter((l) => l.type === 'confirmation-requested');
    assert.deepEqual(gates.map((g) => g.stepId), ['probe-gated', 'wait-rm', 'call/child-rm']);
    const wait = gates[1]!;
    assert.match(String(wait.command), /^rm -f .*marker; echo gone\n\(repeated every 1s for up to 20s until result\.output == 'gone'\)$/);
    assert.equal(wait.attempts, 3);
    assert.match(String(wait.covers), /up to 3 attempts .* and every poll of the wait \(every 1s for up to 20s/);
  });

  test('plain mode: refused without approval; an approval for one step runs that step only', async (t) => {
    const s = await setup(t);
    const none = await cli(['run', s.runbook, '--plain', '--no-transcript', ...s.args], { cwd: s.dir });
    assert.equal(none.code, 1, none.stdout);
    assert.match(none.stdout, /'probe-gated' is destructive and was not approved, so it did not run/);
    assert.equal(s.listener.connections(), 0);
    assert.ok(existsSync(s.marker));

    const some = await cli(['run', s.runbook, '--plain', '--no-transcript', '--approve', 'probe-gated', '--approve', 'wait-rm', ...s.args], { cwd: s.dir });
    assert.equal(some.code, 1, some.stdout);
    assert.equal(s.listener.connections(), 1, 'the approved probe ran once');
    assert.ok(!existsSync(s.marker), 'the approved wait ran');
    assert.match(some.stdout, /'call\/child-rm' is destructive and was not approved[\s\S]*--approve call\/child-rm/);
    assert.ok(existsSync(`${s.marker}-child`), "the called runbook's step ran without its own approval");

    const all = await cli(['run', s.runbook, '--plain', '--no-transcript', '--yes', ...s.args], { cwd: s.dir });
    assert.equal(all.code, 0, all.stdout);
    assert.ok(!existsSync(`${s.marker}-child`), 'approved, the called runbook step runs');
  });
});

describe('the lint reads wait actions like steps', { concurrency: true }, () => {
  const cases: [string, string, RegExp][] = [
    ['wait.shell', "wait: { shell: \"r''m -f /tmp/x; echo gone\", until: \"result.output == 'gone'\" }", /step 'w' runs a shell command that looks destructive \('rm'\)/],
    ['wait.shell built from a variable', 'wait: { shell: "$CMD /tmp/x", until: "result.ok" }', /step 'w' runs a shell command the lint cannot read/],
    ['wait.sql', 'wait: { sql: { query: "DELETE FROM t" }, until: "result.ok" }', /step 'w' runs SQL that is not read-only: it is a DELETE statement/],
  ];
  for (const [what, action, message] of cases) {
    test(`a non-destructive ${what} that writes is rejected by validate`, async (t) => {
      const dir = scratch(t, 'runbook-lint-');
      const file = writeRunbook(dir, 'w', `name: w\ntitle: w\nconnections:\n  db: { url: "postgres://u@127.0.0.1/d" }\nsteps:\n  - id: w\n    ${action}\n  - id: done\n    end: resolved\n`);
      const r = await cli(['validate', file]);
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stdout + r.stderr, message);
    });
  }
});

const WAIT_SQL = `name: wait-sql
title: A destructive wait on SQL
inputs:
  url: { required: true, secret: true, type: url }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: purge
    destructive: true
    wait:
      sql: { query: "DELETE FROM gates_marker" }
      until: result.rowCount >= 0
      every: 1s
      for: 10s
  - id: done
    end: resolved
`;

describe('a destructive wait on real databases', () => {
  const servers: Partial<Record<'postgres' | 'mariadb', LabServer>> = {};
  before(async () => { [servers.postgres, servers.mariadb] = await Promise.all([startPostgres(), startMariadb()]); });
  after(() => Promise.all(Object.values(servers).map((s) => s.stop())));

  for (const engine of ['postgres', 'mariadb'] as const) {
    test(`${engine}: dry run and an unapproved run leave the rows; the approved run deletes them`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const server = servers[engine]!;
      await adminQuery(server, 'DROP TABLE IF EXISTS gates_marker');
      await adminQuery(server, 'CREATE TABLE gates_marker (id int)');
      await adminQuery(server, 'INSERT INTO gates_marker VALUES (1), (2), (3)');
      const rows = async () => Number((await adminQuery(server, 'SELECT count(*) AS n FROM gates_marker'))[0]!.n);
      const dir = scratch(t, 'runbook-wait-sql-');
      const runbook = writeRunbook(dir, 'wait-sql', WAIT_SQL);
      const url = ['-i', `url=${server.adminUrl()}`];
      const transcript = join(dir, 'dry.jsonl');
      const dry = await cli(['run', runbook, '--plain', '--dry-run', '--transcript', transcript, ...url]);
      assert.equal(dry.code, 0, dry.stdout + dry.stderr);
      assert.equal(await rows(), 3, 'the dry run deleted rows');
      const gate = transcriptLines(transcript).find((l) => l.type === 'confirmation-requested')!;
      assert.match(String(gate.command), /^DELETE FROM gates_marker\n\(repeated every 1s/);
      assert.equal(gate.connection, 'db');
      const password = decodeURIComponent(new URL(server.adminUrl()).password);
      if (password) assert.ok(!String(gate.target).includes(password), 'the gate shows the password');
      const refused = await cli(['run', runbook, '--plain', '--no-transcript', ...url]);
      assert.equal(refused.code, 1, refused.stdout);
      assert.equal(await rows(), 3);
      const approved = await cli(['run', runbook, '--plain', '--no-transcript', '--approve', 'purge', ...url]);
      assert.equal(approved.code, 0, approved.stdout + approved.stderr);
      assert.equal(await rows(), 0);
    });
  }
});

const SHOWN = `name: shown
title: The gate shows what decides what runs
inputs:
  target: { required: true }
  token: { required: true, secret: true }
steps:
  - id: wipe
    destructive: true
    retry: { attempts: 3, backoff: 2s, on: [timeout] }
    timeout: 30s
    shell:
      run: ls "$TARGET" > /dev/null && echo "would wipe $TARGET"
      env: { TARGET: "\${{ inputs.target }}", API_TOKEN: "literal-in-yaml", FROM_INPUT: "\${{ inputs.token }}" }
      cwd: "\${{ inputs.target }}"
  - id: done
    end: resolved
`;

describe('the gate shows env, cwd, timeout and attempts', { concurrency: true }, () => {
  test('plain gate, transcript and report carry them; secrets stay masked', async (t) => {
    const dir = scratch(t, 'runbook-gate-shows-');
    const runbook = writeRunbook(dir, 'shown', SHOWN);
    const transcript = join(dir, 'run.jsonl');
    const r = await cli(['run', runbook, '--plain', '--yes', '--transcript', transcript, '-i', `target=${dir}`, '-i', 'token=s3cr3t-token']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const gate = r.stdout.slice(r.stdout.indexOf('confirm?'), r.stdout.indexOf('approved'));
    // Masked because it holds a secret (FROM_INPUT), not because of a name: a literal in the runbook is no
    // secret input, and is shown, with a note that its name looks like a credential's (issue #28).
    assert.match(gate, new RegExp(`env: +TARGET=${dir}\\n +API_TOKEN=literal-in-yaml\\n +FROM_INPUT=\\*\\*\\*\\*`));
    assert.match(gate, /note: +API_TOKEN is shown: its name looks like a credential's/);
    assert.match(gate, new RegExp(`in dir: +${dir}`));
    assert.match(gate, /timeout: +30s/);
    assert.match(gate, /approval: +covers up to 3 attempts \(retried after a failure classified timeout, backoff 2s doubling\)/);
    assert.doesNotMatch(r.stdout, /s3cr3t-token/);
    const line = transcriptLines(transcript).find((l) => l.type === 'confirmation-requested')!;
    assert.deepEqual(line.env, { TARGET: dir, API_TOKEN: 'literal-in-yaml', FROM_INPUT: '****' });
    assert.equal((line.envNotes as string[] | undefined)?.length, 1);
    assert.equal(line.cwd, dir);
    assert.equal(line.timeout, '30s');
    assert.equal(line.attempts, 3);
    const report = await cli(['report', transcript]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, new RegExp(`- env: TARGET=${dir}`));
    assert.match(report.stdout, /- approval: covers up to 3 attempts/);
    assert.doesNotMatch(report.stdout, /s3cr3t-token/);
  });
});
