// `runbook report <transcript>`: the postmortem, as Markdown or JSON, to stdout or a file.
import { writeOutputFile } from '../write-output.js';
import { readTranscript } from '../../transcript/reader.js';
import { buildReport } from '../../transcript/report/build.js';
import { renderMarkdown } from '../../transcript/report/markdown.js';
import { terminalJson } from '../../common/terminal-text.js';
import { say } from '../say.js';

export async function reportCommand(path: string, opts: { output?: string; format: 'markdown' | 'json'; force?: boolean }): Promise<number> {
  const text = reportText(path, opts.format);
  if (!opts.output) {
    say(text);
    return 0;
  }
  writeOutputFile(opts.output, text, { force: opts.force ?? false });
  return 0;
}

/** The report of the transcript at `path`, as the command prints it (before the terminal sanitizer, say.ts). */
export function reportText(path: string, format: 'markdown' | 'json'): string {
  const model = buildReport(readTranscript(path));
  // JSON keeps every value exactly, with the characters a terminal would act on or hide written as \u escapes.
  return format === 'json' ? `${terminalJson(model, 2)}\n` : renderMarkdown(model);
}
