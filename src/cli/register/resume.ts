// `runbook resume`: the same flags as `run` (minus where the transcript goes: it is the one resumed), plus --force.
import type { Command } from 'commander';
import type { Lazy } from './types.js';
import { addRunFlags } from '../run-flags.js';

export function registerResume(program: Command, lazy: Lazy): void {
  addRunFlags(program.command('resume').argument('<transcript>', 'the .jsonl transcript of an interrupted run, or its run id in the team store (fetched from there)')
    .description('Continue an interrupted run from its transcript: finished steps are not run again.'),
  'an input value (repeatable); secret inputs must be given again', 'continue a dry run (only a dry run can continue a dry run)')
    .option('--force', 'resume even though the runbook or any runbook it calls changed since the run started (every change; --accept-changed names one)')
    .option('--accept-changed <file>', 'continue with this runbook file (the run\'s own or one it calls) as it is now although it changed since the run recorded it; recorded in the transcript (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--retarget', 'continue although another server (or host) answers than the run was started on, from another directory or environment, with other input values, with client config files edited since (~/.pg_service.conf, ~/.pgpass, ~/.my.cnf, ~/.ssh/config, kubeconfig, /etc/hosts…), or with a called runbook found elsewhere or edited since; every destructive step asks again (not with --yes)')
    .option('--takeover', 'with a team store: take the run over from the driver that holds it (recorded in the store; that driver stops before it acts again)')
    .option('--wait-for-orphans', "wait for what the interrupted run's step left running (its processes, its statement's server session), instead of refusing")
    .addHelpText('after', `
The run continues where it stopped, appending to the same transcript. The step that was running runs
again, behind its confirmation gate if it is destructive; a step that had finished only takes its branch.
Non-secret inputs are taken from the transcript; --input overrides them. Secret inputs (and URLs whose
password the transcript masks) must be supplied again, by --input or their environment variable. Every
input must have the value the run started with (the transcript holds a fingerprint of each, never a
secret): a different one is refused, naming the input, unless --retarget (a URL's password alone may differ).

Examples:
  runbook resume runbook-transcripts/2024-05-01T12-30-45.123Z-pool-exhausted.jsonl
  PGPASSWORD=… runbook resume ./incident.jsonl --plain --approve restart-app
  runbook resume 6f1c2a9e     # a run in the team store, driven on a laptop that died: fetched, then resumed
With a team store (docs/team.md), resume claims the run there first: refused while another driver holds it,
naming its host and when it was last heard from, unless --takeover.
Before its first step, resume checks that nothing of the interrupted run still runs (the step's process
group, the server session of its destructive statement) and that every database the run named or reached,
and this host, is the one answering now (the address its URL names and the server's own identity); otherwise
it refuses, naming the processes, the session or both targets. A connection it cannot reach then is checked
when the run first reaches it, before anything is sent there (and it says so). It also refuses, unless
--retarget, a run resumed from another directory or environment, or after a client config file that decides
where a client connects was edited, naming it: libpq's service and password files, ~/.my.cnf,
~/.mylogin.cnf, ~/.ssh/config, kubeconfig, /etc/hosts, a .env beside the runbook (docs/transcript.md).

Exit codes: as for run; 2 also when the run already finished, the runbook or a runbook it calls changed (see
--accept-changed), the transcript is in use by another runbook process, the run is being resumed from a copy
of this transcript, or went further in another copy (or a newer version of this file), a process or server session of the interrupted step still runs (see
--wait-for-orphans), or another target answers, or the directory, environment, an input's value or a client
config file changed (see --retarget). A refusal at first contact (another target,
a session still running) ends the run interrupted (75): resume it again.`)
    .action(lazy(() => import('../commands/resume.js'), 'resumeCommand'));
}
