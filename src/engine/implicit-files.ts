// Files a reviewed program opens that its words do not name: the catalogue kept-files.ts walks like a word's file,
// so one others may not read there gives the step a secret too. A probe of stop 80 had `jq -n tok` print a
// definition from the operator's 0600 ~/.jq and `file x.txt` a message from a 0600 ~/.magic (validate clean,
// proven reads, real and dry); stop 79 had found the journal, unit files and pg_control. The list under HOME is
// the one test/language/program-config-reads.test.ts holds every reviewed program to under strace: a program
// that opens anything else there fails it, so none is shown while the engine does not know what it opens.
import { join } from 'node:path';

/** A word of the plan as it is spawned, and whether a ${{ }} value is in it (then its text is not quoted back). */
export interface Arg { text: string; valued: boolean }

/** Where a program reads files its words do not name: the program, the words after it and the HOME it is given,
 *  to the paths it reads (a directory: every file under it). */
export type Implicit = Record<string, (args: Arg[], home?: string) => string[]>;

/** Files under HOME each program opens by itself, and what it does with them. */
export const HOME_FILES: Record<string, { files: string[]; why: string; notPrinted?: true }> = {
  jq: { files: ['.jq'], why: 'its definitions (a file) or modules (a directory), whose values jq prints' },
  file: { files: ['.magic', '.magic.mgc'], why: 'magic rules, whose messages file prints' },
  // Not counted: an ignore list only chooses which files rg prints (a 0600 one's patterns, bit by bit: said).
  rg: { files: ['.gitconfig', '.config/git/config', '.config/git/ignore'], why: 'git ignore lists, which choose the files rg prints', notPrinted: true },
  // The operator's login to a cluster or a daemon: sent, never printed by a reviewed verb (`kubectl config view`
  // is a step given a secret, kubectl-secrets.ts). Not counted: a 0600 kubeconfig is the norm.
  kubectl: { files: ['.kube'], why: 'the cluster login', notPrinted: true },
  docker: { files: ['.docker/config.json'], why: 'contexts and formats (credential helpers run on pull or login, never proven)', notPrinted: true },
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

/** What each program reads under `home` (the HOME a proven read is given: the operator's) that it prints. */
const underHome = (name: string, home: string | undefined): string[] =>
  home && Object.hasOwn(HOME_FILES, name) && !HOME_FILES[name]!.notPrinted ? HOME_FILES[name]!.files.map((f) => join(home, f)) : [];

/** journalctl reads the journal's files (0640 root:systemd-journal as installed); `systemctl status` prints a
 *  unit's last journal lines and `systemctl cat` its unit files and drop-ins as read from disk; pg_controldata
 *  reads its data directory's pg_control (0600); and the HOME files above. */
export const IMPLICIT: Implicit = {
  journalctl: () => JOURNALS,
  systemctl: (args) => (args.some((a) => a.text === 'status') ? JOURNALS : []).concat(args.some((a) => a.text === 'cat') ? UNITS : []),
  pg_controldata: dataDirectory,
  ...Object.fromEntries(Object.keys(HOME_FILES).map((name) => [name, (_args: Arg[], home?: string) => underHome(name, home)])),
};
