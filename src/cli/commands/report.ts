// `runbook report <transcript>`: the postmortem, as Markdown or JSON, to stdout or a file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../common/errors.js';
import { readTranscript } from '../../transcript/reader.js';
import { buildReport } from '../../transcript/report/build.js';
import { renderMarkdown } from '../../transcript/report/markdown.js';

export async function reportCommand(path: string, opts: { output?: string; format: 'markdown' | 'json' }): Promise<number> {
  const model = buildReport(readTranscript(path));
  const text = opts.format === 'json' ? `${JSON.stringify(model, null, 2)}\n` : renderMarkdown(model);
  if (!opts.output) {
    process.stdout.write(text);
    return 0;
  }
  try {
    mkdirSync(dirname(opts.output), { recursive: true });
    writeFileSync(opts.output, text);
  } catch (e) {
    throw new UserError(`cannot write ${opts.output}: ${(e as Error).message}`);
  }
  return 0;
}
