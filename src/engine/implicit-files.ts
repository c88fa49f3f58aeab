// Files a reviewed program opens that its words do not name: the catalogue kept-files.ts walks like a word's file,
// so one others may not read there gives the step a secret too. A probe of stop 80 had `jq -n tok` print a
// definition from the operator's 0600 ~/.jq and `file x.txt` a message from a 0600 ~/.magic (validate clean,
// proven reads, real and dry); stop 79 had found the journal, unit files and pg_control. The list under HOME is
// the one test/language/program-config-reads.test.ts holds every reviewed program to under strace: a program
// that opens anything else there fails it, so none is shown while the engine does not know what it opens.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** A word of the plan as it is spawned, and whether a ${{ }} value is in it (then its text is not quoted back). */
export interface Arg { text: string; valued: boolean }

/** Where a program reads files its words do not name: the program, the words after it and the HOME it is given,
 *  to the paths it reads (a directory: every file under it). */
export type Implicit = Record<string, (args: Arg[], home?: string) => string[]>;

/** Files under HOME each program opens by itself, and what it does with them. */
export const HOME_FILES: Record<string, { files: string[]; why: string; login?: true }> = {
  jq: { files: ['.jq'], why: 'its definitions (a file) or modules (a directory), whose values jq prints' },
  file: { files: ['.magic', '.magic.mgc'], why: 'magic rules, whose messages file prints' },
  rg: { files: ['.gitconfig', '.config/git/config', '.config/git/ignore'], why: 'git ignore lists, which choose the files rg prints' },
  // The operator's login to a cluster or a daemon: sent, never printed by a reviewed verb (`kubectl config view`
  // is a step given a secret, kubectl-secrets.ts). Not walked: a 0600 kubeconfig is the norm.
  kubectl: { files: ['.kube'], why: 'the cluster login', login: true },
  docker: { files: ['.docker/config.json'], why: 'contexts and formats (credential helpers run on pull or login, never proven)', login: true },
};

const JOURNALS = ['/var/log/journal', '/run/log/journal'];
const UNITS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

/** pg_controldata's data directory: `-D DIR`, `-DDIR`, `--pgdata=DIR`, or its operand (it takes one). */
function dataDirectory(args: Arg[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    if (t === '-D' || t === '--pgdata') out.push(args[++i]?.text ?? '.');
    else if (/^(-D|--pgdata=)./.test(t)) out.push(t.replace(/^-D|^--pgdata=/, ''));
    else if (t !== '--' && !t.startsWith('-')) out.push(t);
  }
  return out;
}

/** What each program reads under `home` (the HOME a proven read is given: the operator's) that is not a login;
 *  for rg also the ignore file a git config names (core.excludesFile), wherever it is. */
function underHome(name: string, home: string | undefined): string[] {
  if (!home || !Object.hasOwn(HOME_FILES, name) || HOME_FILES[name]!.login) return [];
  const files = HOME_FILES[name]!.files.map((f) => join(home, f));
  return name === "rg" ? [...files, ...files.flatMap((f) => excludesFiles(f, home))] : files;
}

/** The `excludesFile = PATH` values of a git config (a config others may not read is kept by itself). */
function excludesFiles(config: string, home: string): string[] {
  let text: string;
  try { text = readFileSync(config, 'utf8'); } catch { return []; }
  return [...text.matchAll(/^\s*excludesfile\s*=\s*"?([^"\n]*?)"?\s*$/gim)].map(([, v]) => (v!.startsWith('~/') ? join(home, v!.slice(2)) : v!))
    .map((v) => (isAbsolute(v) ? v : join(home, v)));
}

/** journalctl reads the journal's files (0640 root:systemd-journal as installed); `systemctl status` prints a
 *  unit's last journal lines and `systemctl cat` its unit files and drop-ins as read from disk; pg_controldata
 *  reads its data directory's pg_control (0600); and the HOME files above. */
export const IMPLICIT: Implicit = {
  journalctl: () => JOURNALS,
  systemctl: (args) => (args.some((a) => a.text === 'status') ? JOURNALS : []).concat(args.some((a) => a.text === 'cat') ? UNITS : []),
  pg_controldata: dataDirectory,
  ...Object.fromEntries(Object.keys(HOME_FILES).map((name) => [name, (_args: Arg[], home?: string) => underHome(name, home)])),
};
