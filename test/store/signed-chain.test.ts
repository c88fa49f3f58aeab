// Tampering by the store's owner (issue #47): the owner disables the triggers, changes a line and recomputes every
// hash after it, so the chain holds. A driver with an SSH key signs the head of each batch it uploads; whoever
// holds the team's allowed-signers file then sees the rewrite: `follow`, `store push` and a resume's fetch make
// the same check (src/store/signed-chain.ts). Keys, signatures and their checks are real ssh-keygen.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { cli } from '../helpers/cli.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { chainHash, GENESIS } from '../../src/store/chain.js';
import { signHead } from '../../src/store/signing.js';
import type { StoreClient } from '../../src/store/client.js';
import { driveToHold, FIXTURE, fileLines, fixtureSteps, machineEnv, pushWhole, scratch, startCli, startStoreLab, type Person, type StoreLab } from './helpers.js';

interface Keys { dir: string; alice: string; carol: string; mallory: string; locked: string; allowed: string }

/** alice's and carol's keys are in the team's allowed signers; mallory's (the owner's own) and a passphrase-locked one are not. */
function makeKeys(dir: string): Keys {
  const key = (name: string, pass = '') => { const f = join(dir, name); execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', pass, '-C', name, '-f', f]); return f; };
  const keys = { dir, alice: key('alice'), carol: key('carol'), mallory: key('mallory'), locked: key('locked', 'a passphrase'), allowed: join(dir, 'allowed_signers') };
  const pub = (f: string) => readFileSync(`${f}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  writeFileSync(keys.allowed, `alice@ops namespaces="runbook-store" ${pub(keys.alice)}\ncarol@ops namespaces="runbook-store" ${pub(keys.carol)}\n`);
  return keys;
}

/** What an owner who wants a clean-looking chain does: triggers off, `from` → `to` in every line, hashes redone. */
async function rewrite(owner: StoreClient, runId: string, from: string, to: string): Promise<void> {
  await owner.query('ALTER TABLE runbook.events DISABLE TRIGGER USER');
  try {
    const rows = await owner.query<{ seq: number; line: string }>('SELECT seq, line FROM runbook.events WHERE run_id = $1 ORDER BY seq', [runId]);
    let prev = GENESIS;
    for (const r of rows) {
      const line = r.line.replaceAll(from, to);
      const hash = chainHash(prev, line);
      await owner.query('UPDATE runbook.events SET line = $3, prev_hash = $4, hash = $5 WHERE run_id = $1 AND seq = $2', [runId, r.seq, line, prev, hash]);
      prev = hash;
    }
  } finally {
    await owner.query('ALTER TABLE runbook.events ENABLE TRIGGER USER');
  }
}

/** The owner, again behind the triggers, on runbook.signatures. */
async function asOwnerOnSignatures(owner: StoreClient, sql: string, params: unknown[]): Promise<void> {
  await owner.query('ALTER TABLE runbook.signatures DISABLE TRIGGER USER');
  try { await owner.query(sql, params); } finally { await owner.query('ALTER TABLE runbook.signatures ENABLE TRIGGER USER'); }
}

describe('signed chains: an owner rewrite is seen by follow, store push and resume alike', { timeout: E2E_TEST_LIMIT_MS }, () => {
  let lab: StoreLab;
  before(async () => { lab = await startStoreLab(); });
  after(async () => { await lab?.stop(); });

  /** FIXTURE run to its end by alice (its waits released up front), whole in the store. */
  /** A run to its end, its lines in the store. A run whose background upload found the store unreachable (its
   *  500 ms login, on a machine at load 20 in CI) never signed anything: it is run again, up to three times. */
  function runToEnd(t: TestContext, env: NodeJS.ProcessEnv): { dir: string; file: string; runId: string; ran: ReturnType<typeof cli> } {
    for (let attempt = 1; ; attempt++) {
      const dir = scratch(t);
      const file = join(dir, 't.jsonl');
      for (const go of ['go-hold', 'go-three']) writeFileSync(join(dir, go), '');
      const full = { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice'), ...env };
      const ran = cli(['run', FIXTURE, '--plain', '-i', `dir=${dir}`, '--transcript', file], { env: full, cwd: dir });
      assert.equal(ran.code, 0, ran.stderr);
      if (/store unreachable/.test(ran.stderr) && attempt < 3) continue;
      pushWhole(file, full);
      return { dir, file, runId: (JSON.parse(fileLines(file)[0]!) as { runId: string }).runId, ran };
    }
  }

  it('a signed run: follow names its signer; each rewrite the owner can make is refused by follow, store push and a resume\'s fetch', async (t) => {
    const keys = makeKeys(scratch(t));
    const { file, runId } = runToEnd(t, { RUNBOOK_SIGNING_KEY: keys.alice });
    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    const sigs = await owner.query<{ seq: number; signed_by: string }>('SELECT seq, signed_by FROM runbook.signatures WHERE run_id = $1 ORDER BY seq', [runId]);
    assert.equal(sigs[sigs.length - 1]?.seq, fileLines(file).length - 1, 'the last line is signed');
    assert.ok(sigs.every((s) => s.signed_by === 'alice'));

    const trusted = (home: string) => ({ ...machineEnv(home), RUNBOOK_STORE: lab.url('carol'), RUNBOOK_ALLOWED_SIGNERS: keys.allowed });
    const follow = () => cli(['follow', runId], { env: trusted(scratch(t)) });
    const clean = follow();
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stderr, new RegExp(`events up to ${sigs[sigs.length - 1]!.seq} signed by alice@ops`));
    assert.match(clean.stdout, /echo two/);

    // The rewrite: 'echo two' becomes 'echo 2', the chain recomputed, so the chain alone holds.
    await rewrite(owner, runId, 'echo two', 'echo 2');

    const refusedBy = (what: string, r: ReturnType<typeof cli>, why: RegExp) => {
      assert.equal(r.code, 2, `${what}: ${r.stderr}`);
      assert.match(r.stderr, why, what);
      assert.doesNotMatch(r.stdout, /echo 2/, `${what} shows no rewritten line`);
    };
    // A transcript edited as the store was, so that the local comparison finds nothing: only the signatures can.
    const forged = join(scratch(t), 'forged.jsonl');
    writeFileSync(forged, readFileSync(file, 'utf8').replaceAll('echo two', 'echo 2'));
    const pushForged = () => cli(['store', 'push', forged], { env: trusted(scratch(t)) });
    const resume = () => { const home = scratch(t); return cli(['resume', runId, '--plain'], { env: trusted(home), cwd: home }); };

    const moved = /does not hold: the lines up to event \d+ are not the ones signed there \(the chain was rewritten\)/;
    refusedBy('follow', follow(), moved);
    const unaware = () => cli(['follow', runId], { env: { ...machineEnv(scratch(t)), RUNBOOK_STORE: lab.url('carol') } });
    refusedBy('follow without the allowed signers', unaware(), moved);
    refusedBy('store push', pushForged(), moved);
    refusedBy('resume', resume(), moved);

    // The owner also rewrites what the signatures say was signed: the signatures themselves no longer verify.
    const heads = await owner.query<{ seq: number; hash: string }>('SELECT seq, hash FROM runbook.events WHERE run_id = $1 AND seq IN (SELECT seq FROM runbook.signatures WHERE run_id = $1)', [runId]);
    for (const h of heads) await asOwnerOnSignatures(owner, 'UPDATE runbook.signatures SET hash = $3 WHERE run_id = $1 AND seq = $2', [runId, h.seq, h.hash]);
    // Now only a key can tell: without the allowed signers the rewrite is shown (and the signatures said unchecked).
    const blind = unaware();
    assert.equal(blind.code, 0, blind.stderr);
    assert.match(blind.stdout, /echo 2/, 'the rewrite is live');
    assert.match(blind.stderr, /is signed; its signatures are not checked here: no allowed signers/);
    const forgedHash = /does not hold: the lines up to event \d+ are not what alice@ops signed/;
    refusedBy('follow', follow(), forgedHash);
    refusedBy('store push', pushForged(), forgedHash);
    refusedBy('resume', resume(), forgedHash);

    // And signs the rewritten heads with a key of the owner's own: not one the team trusts.
    for (const h of heads) {
      const sig = await signHead(keys.mallory, runId, h.seq, h.hash);
      await asOwnerOnSignatures(owner, 'UPDATE runbook.signatures SET signature = $3 WHERE run_id = $1 AND seq = $2', [runId, h.seq, sig]);
    }
    const untrusted = new RegExp(`does not hold: its signature at event \\d+ is not by a key in ${keys.allowed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
    refusedBy('follow', follow(), untrusted);
    refusedBy('store push', pushForged(), untrusted);
    refusedBy('resume', resume(), untrusted);

    // And drops the signatures: the copy matches the edited transcript, and push says what follow says.
    await asOwnerOnSignatures(owner, 'DELETE FROM runbook.signatures WHERE run_id = $1', [runId]);
    const unsignedPush = pushForged();
    assert.equal(unsignedPush.code, 0, unsignedPush.stderr);
    assert.match(unsignedPush.stderr, /is not signed from event 0 on by a key in .*follow says it is unsigned/);
    assert.doesNotMatch(unsignedPush.stderr, /unreachable/, 'nothing left to send is not an error');
    assert.match(follow().stderr, /events from 0 on are not signed by a key in/);
  });

  it('with the allowed signers, unsigned lines are said to be unsigned by follow and not resumed from the store; a locked key leaves the run going, unsigned', async (t) => {
    const keys = makeKeys(scratch(t));
    const locked = runToEnd(t, { RUNBOOK_SIGNING_KEY: keys.locked });
    assert.match(locked.ran.stderr, /ssh-keygen could not sign with .*locked.*; the lines go to the store unsigned/);
    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    const count = async (runId: string) => (await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM runbook.signatures WHERE run_id = $1', [runId]))[0]!.n;
    assert.equal(await count(locked.runId), 0);

    const env = (home: string) => ({ ...machineEnv(home), RUNBOOK_STORE: lab.url('carol'), RUNBOOK_ALLOWED_SIGNERS: keys.allowed });
    const followed = cli(['follow', locked.runId], { env: env(scratch(t)) });
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stderr, /events from 0 on are not signed by a key in .*allowed_signers: the store's owner could have written or changed them/);
    const home = scratch(t);
    const resumed = cli(['resume', locked.runId, '--plain'], { env: env(home), cwd: home });
    assert.equal(resumed.code, 2, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`events 0–\\d+ of run ${locked.runId} are not signed by a key in .*Nothing was fetched`));

    // A signed run whose last signature the owner dropped (its tail appended or changed at will): the tail is unsigned.
    const signed = runToEnd(t, { RUNBOOK_SIGNING_KEY: keys.alice });
    const last = (await owner.query<{ seq: number }>('SELECT max(seq) AS seq FROM runbook.signatures WHERE run_id = $1', [signed.runId]))[0]!.seq;
    const before = (await owner.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM runbook.signatures WHERE run_id = $1 AND seq < $2', [signed.runId, last]))[0]!.seq ?? -1;
    await asOwnerOnSignatures(owner, 'DELETE FROM runbook.signatures WHERE run_id = $1 AND seq = $2', [signed.runId, last]);
    const tail = cli(['follow', signed.runId], { env: env(scratch(t)) });
    assert.equal(tail.code, 0, tail.stderr);
    assert.match(tail.stderr, new RegExp(`events from ${before + 1} on are not signed by a key in`));

    // The owner appends a line of its own after the last signature, and a signature row past it to pass it off as
    // a batch still being signed: a signature after the last line covers nothing.
    const head = (await owner.query<{ seq: number; hash: string }>('SELECT seq, hash FROM runbook.events WHERE run_id = $1 ORDER BY seq DESC LIMIT 1', [signed.runId]))[0]!;
    const forgedLine = JSON.stringify({ type: 'note', ts: new Date().toISOString(), text: 'written by the owner' });
    await owner.query('INSERT INTO runbook.events (run_id, seq, ts, line, prev_hash, hash) VALUES ($1, $2, now(), $3, $4, $5)',
      [signed.runId, head.seq + 1, forgedLine, head.hash, chainHash(head.hash, forgedLine)]);
    await asOwnerOnSignatures(owner, "INSERT INTO runbook.signatures (run_id, seq, hash, signature) VALUES ($1, $2, 'x', 'x')", [signed.runId, head.seq + 100]);
    const appended = cli(['follow', signed.runId], { env: env(scratch(t)) });
    assert.match(appended.stderr, new RegExp(`events from ${before + 1} on are not signed by a key in`));

    // Retention takes a signed run whole, its signatures with it.
    const pruned = await owner.query<{ run_id: string }>("SELECT run_id FROM runbook.prune_runs('0 seconds', 100)");
    assert.ok(pruned.some((r) => r.run_id === signed.runId));
    assert.equal(await count(signed.runId), 0);
  });

  it('a run taken over is signed by each driver in turn: the resume takes the copy alice signed, and carol\'s last signature covers the whole run', async (t) => {
    const keys = makeKeys(scratch(t));
    const env = (home: string, who: Person, key?: string) => ({ ...machineEnv(home), RUNBOOK_STORE: lab.url(who), RUNBOOK_ALLOWED_SIGNERS: keys.allowed, ...(key ? { RUNBOOK_SIGNING_KEY: key } : {}) });
    const { dir, runId, driver } = await driveToHold(t, lab, (home) => env(home, 'alice', keys.alice));
    driver.child.kill('SIGKILL');
    await driver.exit;
    for (const go of ['go-hold', 'go-three']) writeFileSync(join(dir, go), '');
    const carol = startCli(['resume', runId, '--plain', '--retarget', '--approve', 'hold'], env(scratch(t), 'carol', keys.carol), dir);
    assert.equal(await carol.exit, 0, carol.err());
    assert.ok(fixtureSteps(dir).includes('three'), fixtureSteps(dir).join(' '));
    const followed = cli(['follow', runId], { env: env(scratch(t), 'bob') });
    assert.equal(followed.code, 0, followed.stderr);
    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    const by = await owner.query<{ signed_by: string; seq: number }>('SELECT signed_by, max(seq) AS seq FROM runbook.signatures WHERE run_id = $1 GROUP BY signed_by ORDER BY 2', [runId]);
    assert.deepEqual(by.map((r) => r.signed_by), ['alice', 'carol']);
    const last = (await owner.query<{ seq: number }>('SELECT max(seq) AS seq FROM runbook.events WHERE run_id = $1', [runId]))[0]!.seq;
    // The newest signature covers every line before it (the chain): carol vouches for the copy she resumed.
    assert.match(followed.stderr, new RegExp(`events up to ${last} signed by carol@ops`));
    assert.doesNotMatch(followed.stderr, /not signed/);
  });

  it('pages: a long run signed in batches that straddle follow\'s pages reads without a warning; a forged run padded to a full page, with a bogus signature row past it, is said unsigned', async (t) => {
    const keys = makeKeys(scratch(t));
    const dir = scratch(t);
    const runbook = join(dir, 'long.yaml');
    writeFileSync(runbook, ['name: long', 'title: A long loop', 'steps:', '  - id: each',
      `    for_each: { in: "split('${Array.from({ length: 450 }, (_, i) => i + 1).join(',')}', ',')", as: x, max_items: 1000 }`,
      '    shell: echo ${{ x }}', '  - id: done', '    end: resolved', ''].join('\n'));
    const file = join(dir, 't.jsonl');
    const ran = cli(['run', runbook, '--plain', '--transcript', file], { env: machineEnv(dir), cwd: dir });
    assert.equal(ran.code, 0, ran.stderr);
    const lines = fileLines(file);
    assert.ok(lines.length > 1300, `${lines.length} lines`);
    // Pushed in two parts, so that the batches (500 lines at most) end away from the pages' ends (1,000 lines).
    const part = join(dir, 'part.jsonl');
    writeFileSync(part, `${lines.slice(0, 700).join('\n')}\n`);
    const env = { ...machineEnv(dir), RUNBOOK_STORE: lab.url('alice'), RUNBOOK_SIGNING_KEY: keys.alice };
    for (const f of [part, file]) { const p = cli(['store', 'push', f], { env }); assert.equal(p.code, 0, p.stderr); }
    const runId = (JSON.parse(lines[0]!) as { runId: string }).runId;
    const owner = await lab.as('rb_owner');
    t.after(() => owner.end());
    const sigs = (await owner.query<{ seq: number }>('SELECT seq FROM runbook.signatures WHERE run_id = $1 ORDER BY seq', [runId])).map((r) => r.seq);
    assert.ok(sigs.includes(699) && !sigs.includes(999), `batches end away from a page's end: ${sigs.join(',')}`);
    const trusted = () => ({ ...machineEnv(scratch(t)), RUNBOOK_STORE: lab.url('carol'), RUNBOOK_ALLOWED_SIGNERS: keys.allowed });
    const genuine = cli(['follow', runId], { env: trusted() });
    assert.equal(genuine.code, 0, genuine.stderr);
    assert.doesNotMatch(genuine.stderr, /not signed/);
    assert.match(genuine.stdout, /run finished: RESOLVED/, 'read to the run\'s end, page after page');
    assert.match(genuine.stderr, /events up to \d+ signed by alice@ops/);

    // The owner forges the whole run, 1,000 lines (a full page), and puts a bogus signature row past it.
    const forged = lines.slice(0, 999).map((l) => l.replace('echo 1', 'echo FORGED')).concat(lines[lines.length - 1]!);
    await owner.query('ALTER TABLE runbook.events DISABLE TRIGGER USER');
    await owner.query('ALTER TABLE runbook.signatures DISABLE TRIGGER USER');
    try {
      await owner.query('DELETE FROM runbook.signatures WHERE run_id = $1', [runId]);
      await owner.query('DELETE FROM runbook.events WHERE run_id = $1', [runId]);
      let prev = GENESIS;
      for (const [seq, line] of forged.entries()) {
        const hash = chainHash(prev, line);
        await owner.query('INSERT INTO runbook.events (run_id, seq, ts, line, prev_hash, hash) VALUES ($1, $2, now(), $3, $4, $5)', [runId, seq, line, prev, hash]);
        prev = hash;
      }
      await owner.query("INSERT INTO runbook.signatures (run_id, seq, hash, signature) VALUES ($1, 2000000000, 'x', 'not a signature')", [runId]);
    } finally {
      await owner.query('ALTER TABLE runbook.events ENABLE TRIGGER USER');
      await owner.query('ALTER TABLE runbook.signatures ENABLE TRIGGER USER');
    }
    const shown = cli(['follow', runId], { env: trusted() });
    assert.match(shown.stderr, /events from 0 on are not signed by a key in/, shown.stderr);
  });
});
