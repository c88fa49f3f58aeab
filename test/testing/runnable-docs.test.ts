// Docs run as written (issue 49): every block of README.md and docs/*.md marked runnable is run, in the order the
// reader meets it, in a scratch directory per document. The mark is an HTML comment on the line before the fence:
//   <!-- runnable: write <file> -->   the block is the file's whole text (what the reader saves)
//   <!-- runnable: append <file> -->  the block goes at the end of the file (a runbook built step by step)
//   <!-- runnable: run -->            commands, as typed: lines starting `$ ` are commands and the lines after
//                                     them their output, which must match (durations and the scratch path aside);
//                                     a block without `$ ` is all commands, each of which must succeed
// `runbook` is this checkout's CLI. A runnable block may not elide anything (`…`): what a reader copies must work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';

interface Block { doc: string; line: number; how: 'write' | 'append' | 'run'; file?: string; text: string }

function runnableBlocks(doc: string): Block[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const out: Block[] = [];
  lines.forEach((l, i) => {
    const m = /^<!-- runnable: (write|append|run)(?: (\S+))? -->$/.exec(l.trim());
    if (!m) return;
    assert.match(lines[i + 1] ?? '', /^```/, `${doc}:${i + 1}: a runnable mark must stand right above a fence`);
    const end = lines.findIndex((x, j) => j > i + 1 && /^```\s*$/.test(x));
    out.push({ doc, line: i + 3, how: m[1] as Block['how'], ...(m[2] ? { file: m[2] } : {}), text: lines.slice(i + 2, end).join('\n') + '\n' });
  });
  return out;
}

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const normalize = (text: string, dir: string) => text.split(dir).join('').replace(/\b\d+(\.\d+)?(ms|s)\b/g, 'T').trimEnd();

function sh(command: string, dir: string): { code: number | null; out: string } {
  // `runbook` is the checkout's CLI; CI unset, as on a reader's machine (it would require full coverage).
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CI;
  const r = spawnSync('bash', ['-c', `runbook() { ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"; }\n${command}`], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

for (const doc of DOCS) {
  const blocks = runnableBlocks(doc);
  if (!blocks.length) continue;
  test(`${doc}: every runnable block runs as written`, { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-docs-'));
    try {
      for (const b of blocks) {
        const where = `${doc}:${b.line}`;
        assert.doesNotMatch(b.text, /…/, `${where}: a runnable block elides something`);
        if (b.how !== 'run') {
          const file = join(dir, b.file!);
          mkdirSync(dirname(file), { recursive: true });
          (b.how === 'write' ? writeFileSync : appendFileSync)(file, b.text);
          continue;
        }
        const typed = b.text.split('\n').some((l) => l.startsWith('$ '));
        if (!typed) {
          const r = sh(b.text, dir);
          assert.equal(r.code, 0, `${where}: ${b.text}\n${r.out}`);
          continue;
        }
        // `$ command` then its output, up to the next `$ `.
        const parts = b.text.split(/^\$ /m).slice(1);
        for (const part of parts) {
          const [command, ...shown] = part.split('\n');
          const r = sh(command!, dir);
          assert.equal(normalize(r.out, `${dir}/`), normalize(shown.join('\n'), `${dir}/`), `${where}: the output of ${command}`);
        }
      }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}
