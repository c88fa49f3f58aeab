// `runbook run`: resolve the runbook and its inputs, open the transcript, attach the UI, run, exit.
import { loadRunbook } from '../../catalog/load-runbook.js';
import { prepareRun, type RunFlags } from '../prepare-run.js';
import { sayError } from '../say.js';

export async function runCommand(ref: string, flags: RunFlags): Promise<number> {
  const { runbook, warnings } = loadRunbook(ref);
  for (const w of warnings) sayError(`${w}\n`);
  const session = await prepareRun(runbook, flags);
  return session.execute();
}
