// Files a proven read's program opens that its words do not name (engine/implicit-files.ts). A probe of stop 80:
// `jq -n tok` printed a definition from the operator's 0600 ~/.jq, `file x.txt` a message from a 0600 ~/.magic,
// and `jq -n -f prog.jq` (a world-readable program) a 0600 k.json it imports, validate clean, real and dry. Real
// programs and files, reads generated with seed 80 (forms × wrappers × pipes): each withheld naming what it read,
// no form of the secrets on the screen or in the transcript; the same reads over world-readable files are shown.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { rng } from '../helpers/rng.js';
import { keptFilesRead } from '../../src/engine/kept-files.js';
import { planOfTemplate } from '../../src/language/shell-plan.js';

const SECRETS = { jq: 'homeJqSecret80', magic: 'homeMagicSecret80', module: 'moduleSecret80' };
const reversed = (s: string) => [...s].reverse().join('');
const FORMS = Object.values(SECRETS).flatMap((s) => [s, reversed(s), s.toUpperCase(), reversed(s).toUpperCase()]);
const installed = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

const READS = ['jq -n tok', 'jq -rn tok', "jq -n '[tok]'", 'jq -c tok pub.json', 'file x.txt', 'file -b x.txt', 'file -- x.txt',
  'jq -c -n -f prog.jq', 'jq -nf prog.jq', 'jq -n --from-file prog.jq'];
const WRAPS = ['', 'timeout 20 ', 'nice -n 1 ', 'env '];
const TAILS = ['', ' | rev', ' | tr a-z A-Z'];

function generated(seed: number, count: number): string[] {
  const next = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  return [...READS.map((r) => `${r} || true`), ...Array.from({ length: count }, () => `${pick(WRAPS)}${pick(READS)}${pick(TAILS)} || true`)];
}

/** A HOME and a working directory whose files hold the secrets, with `mode` (0600: kept; 0644: the twins). */
function place(dir: string, mode: number): { home: string; cwd: string } {
  chmodSync(dir, 0o755); // mkdtemp's 0700 would keep everything under it from others
  const cwd = join(dir, 'cwd');
  const home = join(cwd, 'home'); // inside the step's directory: the dry run's sandbox binds that, /tmp is its own
  mkdirSync(cwd, { mode: 0o755 });
  mkdirSync(home, { mode: 0o755 });
  chmodSync(home, 0o755);
  chmodSync(cwd, 0o755);
  const put = (file: string, text: string, m: number) => { writeFileSync(file, text); chmodSync(file, m); };
  put(join(home, '.jq'), `def tok: "${SECRETS.jq}";\n`, mode);
  put(join(home, '.magic'), `0\tstring\t{\t${SECRETS.magic}\n`, mode);
  put(join(cwd, 'k.json'), `{"tok":"${SECRETS.module}"}\n`, mode);
  put(join(cwd, 'prog.jq'), 'import "k" as $k; $k\n', 0o644);
  put(join(cwd, 'x.txt'), '{abc\n', 0o644);
  put(join(cwd, 'pub.json'), '{}\n', 0o644);
  return { home, cwd };
}

async function run(home: string, cwd: string, runs: string[], dry: boolean) {
  const steps = runs.map((r, i) => `  - id: s${i}\n    shell: '${r.replaceAll("'", "''")}'\n`).join('');
  const file = writeRunbook(cwd, 'implicit', `name: implicit\ntitle: Implicit\nsteps:\n${steps}  - { id: done, end: resolved, message: ok }\n`);
  const env = { HOME: home };
  const v = await cli(['validate', file], { cwd, env });
  assert.match(v.stdout + v.stderr, /0 errors/, `every generated read validates clean: ${v.stdout}${v.stderr}`);
  const transcript = join(cwd, `run-${dry ? 'dry' : 'real'}.jsonl`);
  const r = await cli(['run', file, '--plain', '--transcript', transcript, ...(dry ? ['--dry-run'] : [])], { cwd, env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const results = new Map(transcriptLines(transcript).filter((l) => l.type === 'step-finished')
    .map((l) => [l.stepId as string, l.result as { status: string; withheld?: { because: string[] } }]));
  return { screen: r.stdout + r.stderr, written: readFileSync(transcript, 'utf8'), results };
}

for (const dry of [false, true]) {
  test(`a proven read of a file its program opens by itself, kept from others, is given a secret (${dry ? 'dry' : 'real'} run)`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const { home, cwd } = place(scratch(t), 0o600);
    const runs = generated(80, 14);
    const { screen, written, results } = await run(home, cwd, runs, dry);
    for (const form of FORMS) {
      assert.ok(!screen.includes(form), `${form} on the screen:\n${screen}`);
      assert.ok(!written.includes(form), `${form} in the transcript`);
    }
    runs.forEach((r, i) => {
      const res = results.get(`s${i}`);
      assert.ok(res?.withheld, `${r}: withheld (${JSON.stringify(res)})`);
      const why = res.withheld.because.join();
      assert.match(why, r.includes('prog.jq') ? /a jq program from a file/ : r.includes('jq') ? /\.jq, walked by jq/ : /\.magic, walked by file/, r);
    });
  });
}

test('the same reads over world-readable files are shown (real run)', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const { home, cwd } = place(scratch(t), 0o644);
  const runs = READS.filter((r) => !r.includes('prog.jq'));
  const { screen, results } = await run(home, cwd, runs, false);
  runs.forEach((r, i) => assert.equal(results.get(`s${i}`)?.withheld, undefined, `${r} is shown`));
  assert.ok(screen.includes(SECRETS.jq) && screen.includes(SECRETS.magic), 'the world-readable definitions and magic are on the screen');
});

test("the catalogue: pg_controldata's operand; rg's ignore lists and a login not counted", (t) => {
  const dir = scratch(t);
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'pgd', 'global'), { recursive: true });
  writeFileSync(join(dir, 'pgd', 'global', 'pg_control'), 'x', { mode: 0o600 });
  const read = (script: string, home = dir) => keptFilesRead(planOfTemplate(script)!, [], dir, undefined, home).join();
  assert.match(read('pg_controldata pgd'), /pg_control, walked by pg_controldata/, 'its operand is its data directory');
  assert.match(read('pg_controldata -- pgd'), /pg_control, walked by pg_controldata/);
  writeFileSync(join(dir, '.gitconfig'), '[core]\n', { mode: 0o600 });
  mkdirSync(join(dir, 'empty'));
  if (installed('rg')) assert.equal(read('rg -l zz empty'), '', "rg's ignore lists choose files, never printed (said)");
  mkdirSync(join(dir, '.kube'));
  writeFileSync(join(dir, '.kube', 'config'), 'token', { mode: 0o600 });
  assert.equal(read('kubectl get pods'), '', 'the cluster login is sent, never printed by a reviewed verb');
});
