// A private /etc/hosts, with an nsswitch.conf that reads only it, for a process run under withPrivateFiles (a name
// with the addresses a test chooses, in a mount namespace: test/diagnose/address-order, test/runbooks/address-walk).
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PrivateFiles } from '../../src/lab/private-files.js';

export function privateHosts(dir: string, hosts: string): PrivateFiles {
  const files = { '/etc/hosts': join(dir, 'hosts'), '/etc/nsswitch.conf': join(dir, 'nsswitch.conf') };
  writeFileSync(files['/etc/hosts'], hosts);
  writeFileSync(files['/etc/nsswitch.conf'], 'hosts: files\n');
  for (const f of Object.values(files)) chmodSync(f, 0o644);
  return files;
}
