// Runs a short-lived helper command (initdb, cp, install-db) and reports its output on failure.
import { execFile } from 'node:child_process';
import { LabError } from './lab-error.js';
import { wrapCommand, type OsUser } from './run-as.js';
import { labEnv } from '../secrets/credential-env.js';

export async function runCommand(cmd: string, args: string[], user?: OsUser): Promise<string> {
  const [file, argv] = wrapCommand(cmd, args, user);
  return new Promise((resolve, reject) => {
    execFile(file, argv, { maxBuffer: 16 * 1024 * 1024, env: labEnv() }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-30).join('\n');
      reject(new LabError(`${cmd} ${args.join(' ')} failed: ${err.message}\n${output}`));
    });
  });
}

/** cp -a keeps ownership and modes, which the data dirs need. */
export function copyTree(from: string, to: string): Promise<string> {
  return runCommand('cp', ['-a', from, to]);
}
