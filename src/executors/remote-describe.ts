// A target as the gate and the transcript name it. An SSH target is drawn with where the operator's ssh config
// sends the client (ssh -G reads files only, no network), and whether that config checks the host key.
import { inheritedEnv } from '../secrets/credential-env.js';
import type { Place } from './remote-place.js';
import { loginOf, readSshSettingsSync, uncheckedHostKeys, type SshSettings } from './ssh-config.js';
import type { SshTarget } from './ssh-options.js';
import type { RemoteTarget } from './types.js';

/** `settings` (ssh -G) adds where ssh logs in, `place` the pod a selector chose, `unchecked` that the config
 *  checks no host key. */
export function describeRemote(t: RemoteTarget, more: { settings?: SshSettings; place?: Place; unchecked?: string } = {}): string {
  const name = `[target ${t.name}${t.standsFor ? `, for ${t.standsFor}` : ''}]`;
  if (t.kind === 'ssh') {
    const login = more.settings ? ` (${loginOf(more.settings)})` : t.port !== undefined ? ` (port ${t.port})` : '';
    const unchecked = !more.unchecked ? '' : `: host key NOT checked (${more.unchecked} in the ssh config; `
      + `${t.allowUncheckedHostKey ? 'allowed by the runbook)' : 'refused: the target does not allow it)'}`;
    return `ssh ${t.destination}${login}${unchecked} ${name}`;
  }
  if (t.kind === 'kubectl') {
    const pod = more.place?.kind === 'kubectl' ? more.place.pod : t.pod ?? `<the pod matching ${t.selector ?? '?'}>`;
    return `kubectl ${[t.context, t.namespace, pod].filter(Boolean).join('/')}${t.container ? ` (container ${t.container})` : ''} ${name}`;
  }
  return `docker ${t.container} ${name}`;
}

/** Drawn when the gate opens. */
export function describeSshNow(t: SshTarget): string {
  const settings = readSshSettingsSync(t, inheritedEnv(process.env, []));
  if (!settings) return describeRemote(t);
  const unchecked = uncheckedHostKeys(settings);
  return describeRemote(t, { settings, ...(unchecked ? { unchecked } : {}) });
}
