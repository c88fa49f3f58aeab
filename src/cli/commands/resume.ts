// `runbook resume <transcript>`: the flags, parsed into what src/resume needs to continue an interrupted run
// (resume/continue-run.ts), which this command starts through prepareRun, as `run` does.
import { UserError } from '../../common/errors.js';
import { continueRun } from '../../resume/continue-run.js';
import { findStoreUrl } from '../../store/url.js';
import { prepareRun, readEnvFile, type RunFlags } from '../prepare-run.js';
import { sayError } from '../say.js';

export interface ResumeFlags extends Omit<RunFlags, 'transcript'> { force?: boolean; retarget?: boolean; waitForOrphans?: boolean; acceptChanged?: string[]; takeover?: boolean }

export async function resumeCommand(arg: string, flags: ResumeFlags): Promise<number> {
  if (flags.retarget && flags.yes) {
    throw new UserError('--retarget asks again at every destructive step on the new target: it does not go with --yes (answer the gates, or approve steps by name with --approve)');
  }
  const store = findStoreUrl(flags.store);
  if (flags.takeover && !store) throw new UserError('--takeover takes a run over in the team store, and no store is configured (--store, RUNBOOK_STORE or runbook.config.yaml)');
  const { input, dryRun, force, acceptChanged, retarget, takeover, waitForOrphans } = flags;
  return continueRun(arg, { store, input, dryRun, force, acceptChanged, retarget, takeover, waitForOrphans }, {
    say: (line) => sayError(`runbook: ${line}\n`),
    env: () => ({ ...process.env, ...(flags.envFile ? readEnvFile(flags.envFile) : {}) }),
    prepare: (runbook, start) => prepareRun(runbook, { ...flags, input: start.input, transcript: start.transcript }, start.options, { appendTo: start.appendTo, callees: start.callees }),
  });
}
