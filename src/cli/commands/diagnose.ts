// `runbook diagnose [url]`: walk the connection layers, print what broke and which runbook fixes it;
// --run starts that runbook with the same URL.
import { toMs } from '../../engine/duration.js';
import { diagnose } from '../../diagnose/diagnose.js';
import { renderDiagnosis } from '../../diagnose/render.js';
import { findSource } from '../../diagnose/source.js';
import { Redactor } from '../../secrets/redactor.js';
import { EXIT, UserError } from '../../common/errors.js';
import { terminalJson, terminalText } from '../../common/terminal-text.js';

export interface DiagnoseFlags {
  json?: boolean;
  run?: boolean;
  timeout: string;
  plain?: boolean;
  yes?: boolean;
  approve: string[];
  transcript?: string | false;
}

export async function diagnoseCommand(url: string | undefined, flags: DiagnoseFlags): Promise<number> {
  const source = findSource(url);
  if (!source) throw new UserError('no database URL: pass one, or set DATABASE_URL (or PGHOST/PGUSER/…, MYSQL_HOST/MYSQL_USER/…)');
  const timeoutMs = parseTimeout(flags.timeout);
  const redactor = new Redactor();
  const result = await diagnose(source, { timeoutMs, redactor });
  // Server and driver messages are data: shown terminal-safe (common/terminal-text.ts).
  process.stdout.write(flags.json ? `${terminalJson(result, 2)}\n` : terminalText(renderDiagnosis(result, !flags.run)));
  const code = result.scenario === 'healthy' ? EXIT.ok : EXIT.runFailed;
  if (!flags.run || !result.runbook) return code;
  process.stdout.write(`\nStarting runbook '${result.runbook}'…\n`);
  // Loaded only for --run: the diagnosis itself needs neither the runbook language nor the engine.
  const [{ loadRunbook }, { prepareRun }] = await Promise.all([import('../load-runbook.js'), import('../prepare-run.js')]);
  const { runbook, warnings } = loadRunbook(result.runbook);
  for (const w of warnings) process.stderr.write(`${terminalText(w)}\n`);
  const session = await prepareRun(runbook, {
    input: [`url=${source.url}`], approve: flags.approve, plain: flags.plain, yes: flags.yes,
    ...(flags.transcript !== undefined ? { transcript: flags.transcript } : {}),
  });
  return session.execute();
}

/** Seconds (`5`, `2.5`) or a duration (`500ms`, `5s`, `1m`). */
function parseTimeout(text: string): number {
  const ms = toMs(/^[0-9.]+$/.test(text) ? Number(text) : text, Number.NaN);
  if (!Number.isFinite(ms) || ms <= 0) throw new UserError(`--timeout takes seconds or a duration such as 5s or 500ms, got '${text}'`);
  return ms;
}
