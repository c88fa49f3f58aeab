// A sandbox's command, made by this (root) process, run as nobody: the tests that check the sandbox holds for an
// unprivileged operator too. The mask over the engine user's record key (src/executors/engine-file-masks.ts) is
// left out: it is the engine's for its own user, and nobody could neither reach the file nor make its mount
// point under /root (an engine run as nobody masks nobody's key).
import { existsSync } from 'node:fs';
import { recordKeyFile } from '../../src/common/record-key-file.js';

export const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync);

export function asNobody(argv: string[]): string[] {
  const at = argv.findIndex((w, i) => w === '--ro-bind' && argv[i + 1] === '/dev/null' && argv[i + 2] === recordKeyFile());
  const kept = at < 0 ? argv : [...argv.slice(0, at), ...argv.slice(at + 3)];
  return [SETPRIV!, '--reuid', '65534', '--regid', '65534', '--clear-groups', ...kept];
}
