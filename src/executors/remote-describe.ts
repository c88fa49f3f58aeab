// An SSH target as the gate shows it: where the operator's ssh config sends the client (ssh -G reads files
// only, no network), and whether that config checks the host key. Drawn when the gate opens.
import { inheritedEnv } from '../secrets/credential-env.js';
import { describeRemote } from './remote.js';
import { readSshSettingsSync, uncheckedHostKeys } from './ssh-config.js';
import type { SshTarget } from './ssh-options.js';

export function describeSshNow(t: SshTarget): string {
  const settings = readSshSettingsSync(t, inheritedEnv(process.env, []));
  if (!settings) return describeRemote(t);
  const unchecked = uncheckedHostKeys(settings);
  return describeRemote(t, { settings, ...(unchecked ? { unchecked } : {}) });
}
