// Floor of a cold 3-step local run: only what the named packages and the run's guarantees force, none of
// runbook's own code. The YAML read with js-yaml, a machine made with xstate, the transcript file opened and
// locked with flock(1) (one process: runbook takes two, the transcript's and the run's), its header hashed
// (sha256) and fsynced, two shell steps run through zx, the end written and fsynced. argv: runbook, transcript.
'use strict';
const { $ } = require('zx/core');
const { createActor, createMachine } = require('xstate');
const yaml = require('js-yaml');
const { createHash } = require('node:crypto');
const { spawnSync } = require('node:child_process');
const { fsyncSync, openSync, readFileSync, writeSync } = require('node:fs');

const [runbookFile, transcript] = process.argv.slice(3);
const doc = yaml.load(readFileSync(runbookFile, 'utf8'));
const fd = openSync(transcript, 'w');
if (spawnSync('flock', ['--exclusive', '--nonblock', '3'], { stdio: ['ignore', 'ignore', 'ignore', fd] }).status !== 0) process.exit(3);
const header = JSON.stringify({ type: 'run-started', runbook: doc.name, sha256: createHash('sha256').update(JSON.stringify(doc)).digest('hex') });
writeSync(fd, `${header}\n`);
fsyncSync(fd);
const shell = doc.steps.filter((s) => s.shell);
const machine = createMachine({ initial: 's0', states: Object.fromEntries([...shell.map((_, i) => [`s${i}`, { on: { NEXT: `s${i + 1}` } }]), [`s${shell.length}`, { type: 'final' }]]) });
const actor = createActor(machine).start();
(async () => {
  for (const step of shell) {
    const out = await $({ quiet: true, quote: (text) => text })`${step.shell}`; // the script as bash reads it
    process.stdout.write(out.stdout);
    writeSync(fd, `${JSON.stringify({ type: 'step-finished', id: step.id })}\n`);
    actor.send({ type: 'NEXT' });
  }
  writeSync(fd, `${JSON.stringify({ type: 'run-finished' })}\n`);
  fsyncSync(fd);
})();
