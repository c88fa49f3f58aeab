// The shield's user namespace: one that maps every uid and gid to itself, which only the step lives in. In it the
// step is root with every capability, but over that namespace alone: files read as they are (owners, and root
// reads every file: each owner is mapped), while the kernel grants access to another process's
// /proc/PID/{fd,environ,root,cwd,mem} only with CAP_SYS_PTRACE in that process's namespace, the host's, which
// the step has not. (Without one, dropping CAP_SYS_PTRACE left a root process whose capabilities were a subset of
// the step's open to it: a probe of stop 74 read a capsh --drop=cap_sys_ptrace daemon's pipe, its environment,
// and the host's /proc/kmsg through its /proc/PID/root.) The mount namespace stays bwrap's, owned by the host's
// user namespace: the step cannot undo a mask either.
//
// Nothing else may live in it: a process there with fewer capabilities (bwrap's own parent with --userns, or a
// holder) and another root would give the step that root, writable, through /proc/PID/root. So a holder
// (`unshare --user sleep`) creates it, the shell before bwrap writes the identity maps (the host's /proc is
// writable there, not in bwrap's), keeps the namespace open on fd 6, and kills and reaps the holder before bwrap
// starts; inside, nsenter joins it and the step starts without fd 6. (unshare's own --map-users needs newuidmap,
// which refuses root a range not in /etc/subuid.)

/** Writes the maps, opens fd 6, ends the holder, then runs bwrap ("$@"): $1 unshare, $2 bash, $3 sleep. */
const MAKE = [
  'u=$1 b=$2 s=$3; shift 3',
  `exec 4< <(exec "$u" --user -- "$b" -c 'echo $$; exec "$0" infinity' "$s"); holder=$!`,
  `read -r -u 4 _ && m='0 0 4294967295' && echo "$m" > /proc/$holder/uid_map && echo "$m" > /proc/$holder/gid_map && exec 6< /proc/$holder/ns/user`,
  'made=$?; kill -KILL "$holder" 2>/dev/null; wait "$holder" 2>/dev/null; exec 4<&-',
  `[ "$made" = 0 ] || { echo 'runbook: the shield could not make its user namespace' >&2; exit 126; }`,
  'exec "$@"',
].join('\n');

export interface UsernsTools { bash: string; unshare: string; nsenter: string; sleep: string }

/** What runs bwrap (its argv follows) with the namespace open on fd 6. */
export const makingUserns = (t: UsernsTools): string[] => [t.bash, '-c', MAKE, 'runbook-shield', t.unshare, t.bash, t.sleep];

/** Inside bwrap: the step (its argv follows) in that namespace, as the same user and groups, without fd 6, in
 *  `cwd`, entered only there: bwrap, root over the host, entered /proc/PID/root/proc of any process for a probe's
 *  `cwd:` (and read the host's /proc/kmsg from it). */
export const enteringUserns = (t: UsernsTools, cwd: string): string[] =>
  [t.nsenter, '--user=/proc/self/fd/6', '--preserve-credentials', '--', t.bash, '-c', 'exec 6<&-; cd -- "$1" || exit 126; shift; exec "$@"', 'runbook-step', cwd];
