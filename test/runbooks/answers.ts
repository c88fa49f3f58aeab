// The real CLI with answers on stdin, one line per question, as an operator piping answers in plain mode.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CliResult } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');

export function runCliWithAnswers(args: string[], answers: string[], timeoutMs = 180_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'runbook.js'), ...args], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdin.on('error', () => undefined); // the run may end before reading every answer
    child.stdin.end(answers.map((a) => `${a}\n`).join(''));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs); // a hang guard only
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Like runCliWithAnswers, but each reply is sent only when its question is on screen (plain mode's "answer one
 *  of: …" line), once: for runs whose questions depend on the machine (a container, databases already running). */
export function runCliAnswering(args: string[], replies: [question: string, reply: string][], timeoutMs = 180_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'runbook.js'), ...args], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '';
    const sent = new Set<string>();
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      for (const [question, reply] of replies) {
        if (!sent.has(question) && stdout.includes(question)) { sent.add(question); child.stdin.write(`${reply}\n`); }
      }
    });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs); // a hang guard only
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}
