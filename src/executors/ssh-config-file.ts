// A target's `config:` file is the runbook's choice (an input's default, or a path written in it), and ssh reads it
// as code: `Match exec "…"` runs a command on this machine each time ssh reads the file (ssh -G for the gate, the
// master, every step, -O check), as do ProxyCommand, LocalCommand, KnownHostsCommand, and PKCS11Provider or
// SecurityKeyProvider load a library (a probe of stop 68: a dry run's gate and an ungated read on a target ran the
// file's `Match exec`). So before ssh is given the file, the engine reads it itself, and only these keywords may
// stand in it: where and as whom to log in, which keys and known hosts, how long to wait. Anything else (Include
// too: another file) refuses the target, naming the line. The operator's own ~/.ssh/config is not read here: it is
// the operator's configuration, trusted as PATH is.
import { readRegularFile } from '../common/regular-file.js';

const KEYWORDS = new Set([
  'host', 'hostname', 'port', 'user', 'identityfile', 'identitiesonly', 'certificatefile', 'userknownhostsfile',
  'globalknownhostsfile', 'stricthostkeychecking', 'hostkeyalias', 'hostkeyalgorithms', 'checkhostip', 'hashknownhosts',
  'updatehostkeys', 'batchmode', 'connecttimeout', 'connectionattempts', 'serveraliveinterval', 'serveralivecountmax',
  'tcpkeepalive', 'loglevel', 'compression', 'ciphers', 'macs', 'kexalgorithms', 'pubkeyacceptedalgorithms',
  'pubkeyacceptedkeytypes', 'casignaturealgorithms', 'preferredauthentications', 'pubkeyauthentication',
  'passwordauthentication', 'kbdinteractiveauthentication', 'challengeresponseauthentication',
  'hostbasedauthentication', 'gssapiauthentication', 'addressfamily', 'addkeystoagent',
  'numberofpasswordprompts', 'rekeylimit', 'ipqos', 'forwardagent', 'forwardx11', 'clearallforwardings', 'exitonforwardfailure',
  // What every ssh of a run sets on its command line (ssh-options.ts), which beats the file: harmless here, as
  // long as there is one ssh. Not ProxyJump: ssh starts a second one for the jump, from a shell command line with
  // this file's path pasted in unquoted (`c$(touch M)` ran), and that one gets none of the run's options (its
  // section's LocalCommand ran, its known hosts file was written; a probe of stop 68).
  'requesttty', 'remotecommand', 'forkafterauthentication', 'stdinnull', 'permitlocalcommand', 'localcommand',
  'localforward', 'remoteforward', 'dynamicforward', 'tunnel', 'tunneldevice', 'escapechar', 'sessiontype',
]);
/** Match criteria that compare names only (not `exec`, which runs a command). */
const MATCH_CRITERIA = new Set(['all', 'canonical', 'final', 'host', 'originalhost', 'user', 'localuser']);
const MAX_BYTES = 256 * 1024;

/** Words of a config line as ssh splits them: blanks or one '=' after the keyword, double quotes group. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|([^\s"=]+)|=/g)) if (m[0] !== '=') out.push(m[1] ?? m[2] ?? '');
  return out;
}

/** Why ssh must not be given this file (a line that acts or reaches further), or undefined. */
export function refusedSshConfig(path: string): string | undefined {
  let text: string;
  try { text = readRegularFile(path, MAX_BYTES).toString('utf8'); } catch (e) { return `ssh config ${path}: ${(e as Error).message}`; }
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [keyword = '', ...args] = words(line);
    const k = keyword.toLowerCase();
    const at = `ssh config ${path}, line ${i + 1}`;
    if (k === 'match') {
      for (let j = 0; j < args.length; j++) {
        const criterion = args[j]!.replace(/^!/, '').toLowerCase();
        if (!MATCH_CRITERIA.has(criterion)) return `${at}: 'Match ${criterion}' is not one a runbook's config may say (exec runs a command on this machine whenever ssh reads the file)`;
        if (!['all', 'canonical', 'final'].includes(criterion)) j++;
      }
    } else if (!KEYWORDS.has(k)) {
      return `${at}: '${keyword}' is not one a runbook's config may say (it may run a command or load a library here, or read another file); put it in the operator's own ~/.ssh/config`;
    }
  }
  return undefined;
}
