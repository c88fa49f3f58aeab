// Each reviewed program's own option parser is the oracle for the lint's reading of its options (issue #44). The
// lint reads getopt clusters, getopt_long prefixes and each program's valued options one way; the program reads
// them its own way (`sort --ou=F` is --output, `xxd -ps` is -postscript). A generated corpus (fixed seed) of option
// words for every reviewed program installed here — clusters of its short letters, prefixes of every long option its
// own --help lists, with and without values — is read by the lint; every command the lint proves a read is then
// run by the program itself in a scratch directory, with a file operand and a value that names a file there. A
// proven command that created, removed or changed a file is a divergence, and fails.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { allowlistFindings } from '../../src/language/validate/shell-lint.js';
import { READS } from '../../src/language/validate/read-commands.js';

const SEED = Number(process.env.OPTION_ORACLE_SEED ?? 4444);
const PER_PROGRAM = Number(process.env.OPTION_ORACLE_RUNS ?? 40);
/** Of those the lint proves, how many each program runs (each run is a process: the suite's time). */
const RUN_CAP = Number(process.env.OPTION_ORACLE_RUN_CAP ?? 10);
/** Programs that wait (for input, for time), print for ever, or scan the whole system (lsof, pg_lsclusters: a
 *  second a run): their options are read as the others', but running them here tells nothing or costs too much. */
const NOT_RUN = new Set(['sleep', 'yes', 'hash', 'tail', 'lsof', 'pg_lsclusters']);

const which = (p: string) => (process.env.PATH ?? '').split(':').some((d) => { try { return statSync(join(d, p)).isFile(); } catch { return false; } });

/** What the program's own --help says it takes: its long options and short letters. */
function helpOf(program: string): { long: string[]; short: string[] } {
  const r = spawnSync(program, ['--help'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
  const text = `${r.stdout}\n${r.stderr}`;
  const long = [...new Set([...text.matchAll(/--([a-z][a-z0-9-]+)/g)].map((m) => m[1]!))];
  const short = [...new Set([...text.matchAll(/(?:^|[\s,[])-([a-zA-Z0-9])\b/g)].map((m) => m[1]!))];
  return { long, short };
}

/** One option word: a cluster of short letters (maybe ending in a value), or a prefix of a long option (maybe =value). */
function optionWord(help: { long: string[]; short: string[] }): fc.Arbitrary<string[]> {
  const letters = help.short.length ? help.short : ['a'];
  const cluster = fc.tuple(fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 3 }), fc.constantFrom('', 'M', ' M'))
    .map(([ls, v]) => (v === ' M' ? [`-${ls.join('')}`, 'M'] : [`-${ls.join('')}${v}`]));
  if (!help.long.length) return cluster;
  const long = fc.tuple(fc.constantFrom(...help.long), fc.nat(), fc.constantFrom('', '=M', ' M'))
    .map(([name, cut, v]) => {
      const prefix = name.slice(0, 2 + (cut % Math.max(1, name.length - 1)));
      return v === ' M' ? [`--${prefix}`, 'M'] : [`--${prefix}${v}`];
    });
  return fc.oneof(cluster, long);
}

/** The scratch directory's files and their contents. */
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).isFile() ? readFileSync(join(dir, f), 'latin1') : 'dir']));

describe("each reviewed program's option parser agrees with the lint's reading", () => {
  const programs = Object.keys(READS).filter((p) => !NOT_RUN.has(p) && which(p)).sort();

  test(`for ${programs.length} installed programs, ${PER_PROGRAM} option lists each (seed ${SEED}): what the lint proves writes nothing`, () => {
    assert.ok(programs.length >= 30, programs.join(' '));
    const dir = mkdtempSync(join(tmpdir(), 'runbook-option-oracle-'));
    try {
      let proven = 0;
      let refused = 0;
      for (const [i, program] of programs.entries()) {
        const help = helpOf(program);
        const lists = fc.sample(fc.array(optionWord(help), { minLength: 1, maxLength: 3 }).map((ws) => ws.flat()), { seed: SEED + i, numRuns: PER_PROGRAM });
        let ran = 0;
        for (const args of lists) {
          const script = `${program} ${args.join(' ')} IN`;
          if (allowlistFindings(script) !== undefined) { refused++; continue; }
          proven++;
          if (++ran > RUN_CAP) continue;
          for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
          writeFileSync(join(dir, 'IN'), 'b 2\na 1\n');
          writeFileSync(join(dir, 'M'), 'm 3\n');
          const before = snapshot(dir);
          spawnSync(program, [...args, 'IN'], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'ignore'], timeout: 2000, killSignal: 'SIGKILL' });
          assert.deepEqual(snapshot(dir), before, `the lint proved ${JSON.stringify(script)} a read, and ${program} changed files`);
        }
      }
      // Not vacuous: many were proven and run, and the generator reached options the lint refuses.
      assert.ok(proven > programs.length * 3, `${proven} proven`);
      assert.ok(refused > programs.length * 5, `${refused} refused`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// A probe of stop 70: the lint took ss's -N for a flag, and ss takes the rest of the word as a namespace's name:
// `ss -NtenantA -D F` read to the lint as the flags N,t,e,n,a,n,t and -A swallowing -D, so `-D F` (write a dump)
// and `-K` (close sockets) ran as a proven read. Each short letter the lint reviewed is given to the program alone,
// and the program's own parser says whether it wants a value: a letter the lint reads as a flag must not; one it
// reads as taking a value (getopt's `x:`) must. Run in a sandbox with no network and a scratch /tmp, since a
// letter the lint misfiled could act.
const GETOPT_WANTS_VALUE = /option requires an argument|requires an argument|requires a value but none was supplied/i;
const UNKNOWN_HERE = /invalid option|illegal option|unrecognized option|unknown option/i;
/** Programs whose parser is not getopt's (ps, lsof, jq, getconf, pidof print their own words, or none; rg's clap
 *  asks for its pattern first, whatever the letter): their letters are checked the other way only (a flag must not
 *  want a value, in any words; clap says `requires a value`). */
const OWN_PARSER = new Set(['ps', 'lsof', 'jq', 'getconf', 'pidof', 'rg']);
const hasBwrap = which('bwrap');

describe("each reviewed short letter, as the program's own parser takes it", { skip: !hasBwrap && 'bubblewrap not installed (npm test provisions it)' }, () => {
  test('a letter the lint reads as a flag takes no value, and one it reads as valued takes one', () => {
    const misread: string[] = [];
    let asked = 0;
    for (const [program, o] of Object.entries(READS)) {
      if (!which(program) || NOT_RUN.has(program) || o.singleDash || o.inOrder) continue;
      const ask = (letter: string) => spawnSync('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--unshare-all',
        '--die-with-parent', '--chdir', '/tmp', program, `-${letter}`], { encoding: 'utf8', timeout: 2000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, LC_ALL: 'C' } });
      for (const letter of `${o.flags ?? ''}${o.optional ?? ''}`) {
        asked++;
        const r = ask(letter);
        if (GETOPT_WANTS_VALUE.test(`${r.stderr}${r.stdout}`)) misread.push(`${program} -${letter}: the lint reads no value, ${program} wants one`);
      }
      if (OWN_PARSER.has(program)) continue;
      for (const letter of o.valued ?? '') {
        asked++;
        const r = ask(letter);
        const said = `${r.stderr}${r.stdout}`;
        if (!GETOPT_WANTS_VALUE.test(said) && !UNKNOWN_HERE.test(said)) misread.push(`${program} -${letter}: the lint reads a value, ${program} takes none (${said.split('\n')[0]?.slice(0, 80)})`);
      }
    }
    assert.deepEqual(misread, []);
    assert.ok(asked > 300, `${asked} letters asked`);
    for (const probe of ['ss -NtenantA -K', 'ss -NtenantA -D /tmp/F', 'ss -tNA -K']) assert.notEqual(allowlistFindings(probe), undefined, `${probe} is proven a read`);
    assert.equal(allowlistFindings('ss -N tenantA -tn'), undefined, 'a namespace named after -N still reads');
  });
});
