// `runbook diagnose`: options and help; the code loads only when the command runs.
import type { Command } from 'commander';
import type { Lazy } from './types.js';

import { collect } from '../run-flags.js';

export function registerDiagnose(program: Command, lazy: Lazy): void {
  program.command('diagnose').argument('[url]', 'connection URL (default: DATABASE_URL, else PG* / MYSQL_* variables)')
    .description('Find which layer of a database connection fails (config, DNS, TCP, TLS, login, pool) and the runbook for it.')
    .option('--json', 'print {classification, scenario, runbook, checks} as JSON')
    .option('--timeout <duration>', 'limit for each network check: seconds or e.g. 500ms, 5s', '5')
    .option('--run', 'start the matching runbook with this URL')
    .option('--plain', 'with --run: one line per event, no terminal UI')
    .option('--approve <step-id>', 'with --run: approve this destructive step in plain mode (repeatable)', collect, [])
    .option('--yes', 'with --run: approve every destructive step in plain mode')
    .option('--db-ssh <destination>', 'then run the host-side checks (service, listeners, logs, resources) on the database host over SSH ([user@]host, [user@]host:port, ssh://[user@]host[:port] or an ~/.ssh/config alias); with --run, its host steps run there too')
    .option('--ssh-config <file>', 'with --db-ssh or --from-ssh: an ssh config file instead of ~/.ssh/config (ssh -F)')
    .option('--db-pod <pod>', 'the host-side checks in the database\'s Kubernetes pod (kubectl exec / logs)')
    .option('--db-namespace <namespace>', 'with --db-pod: its namespace')
    .option('--db-container <name>', 'the host-side checks in the database\'s Docker container (docker exec / logs)')
    .option('--from-pid <pid>', "probe from where the application runs: process PID's network namespace, /etc/hosts and resolver (needs root); shown beside the view from here")
    .option('--from-container <name>', 'the same from a Docker or Podman container on this machine (its running process, as the runtime reports it; needs root)')
    .option('--from-pod <namespace/pod>', "the same from a Kubernetes pod on this node: its first running container's process (kubectl names the container, its cgroup the process; needs root)")
    .option('--from-ssh <destination>', "the same from another host: every connection opened by it (ssh -W), names resolved by it (getent), the URL's TLS files read there; nothing installed on it")
    .option('--transcript <file>', 'with --run: write the transcript here')
    .option('--no-transcript', 'with --run: do not write a transcript')
    .addHelpText('after', `
Examples:
  runbook diagnose                                   # uses DATABASE_URL
  runbook diagnose 'postgres://app@db:5432/app' --json
  runbook diagnose --timeout 2s --run
  runbook diagnose --db-ssh postgres@db-1.internal   # and read the service, listeners and log there
  sudo runbook diagnose postgres://app@localhost:5432/app --from-pid $(pgrep -f app-server)   # the application's own localhost
  sudo runbook diagnose postgres://app@db:5432/app --from-container app-web   # from the app's container
  sudo runbook diagnose postgres://app@db:5432/app --from-pod shop/web-7d9f-x2k4   # from the app's pod, on its node
  runbook diagnose postgres://app@db:5432/app --from-ssh deploy@app-1.internal       # from the app's host
Exit codes: 0 every layer works, 1 a problem was found (or the --run runbook did not resolve), 2 usage error.`)
    .action(lazy(() => import('../commands/diagnose.js'), 'diagnoseCommand'));
}

export function registerExplain(program: Command, lazy: Lazy): void {
  program.command('explain').argument('[text...]', 'the error text (default: --file, else standard input)')
    .description('Explain what an application or a database server logged: the kind of connection failure, the side it came from, and the runbook to run.')
    .option('--file <log>', 'read this file (- for standard input)')
    .option('-f, --follow', 'follow standard input or --file as it grows; print each new kind of error at once, the summary at the end (Ctrl-C)')
    .option('--json', 'print {records, errors: [{class, side, stack, why, count, first, last, facts, runbook, command, …}]} (docs/explain.md)')
    .addHelpText('after', `
Examples:
  runbook explain 'FATAL:  sorry, too many clients already'
  runbook explain --file app.log
  kubectl logs -f deploy/app | runbook explain -f
  journalctl -fu app | runbook explain -f
  runbook explain --file /var/log/postgresql/postgresql-15-main.log --json
Exit codes: 0 an error was recognised, 1 none was, 2 usage error.`)
    .action(lazy(() => import('../commands/explain.js'), 'explainCommand'));
}
