// A runbook that goes through every step kind once (sql, vars, probe, wait, a retried shell, a for_each with
// mixed item results, manual, prompt, a runbook call, a destructive step, end), calling a runbook that has
// sql, vars, a for_each and a call of its own, whose prompt answers back through two levels of outputs.
// Used by the --from-transcript round trip on real servers (test/engine/for-each-db.test.ts): every kind's
// recorded result must become a scripted one that makes `runbook test` take the same path.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Answers the real run's questions in order, on stdin: look, ticket, call/deeper/which. */
export const EVERY_KIND_ANSWERS = 'go\nINC-1\nreplica\n';

/** Writes every.yaml (the runbook under test), child.yaml and grandchild.yaml into dir; returns every.yaml. */
export function writeEveryKind(dir: string): string {
  writeFileSync(join(dir, 'every.yaml'), `name: every-kind
title: Every step kind
inputs:
  url: { required: true, secret: true, type: url }
  port: { required: true, type: number }
  state: { required: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: count
    sql: { query: SELECT 3 AS n }
    capture: count
  - id: sizes
    vars:
      n: count.rows[0].n
      dry: run.dry_run
  - id: port
    probe: tcp
    with: { host: 127.0.0.1, port: "\${{ inputs.port }}" }
    on: { refused: refused }
  - id: up
    wait:
      shell: echo up
      until: result.output == 'up'
      every: 1s
      for: 10s
  - id: flaky
    if: "!run.dry_run"
    shell: test -e \${{ inputs.state }}/flaky || { touch \${{ inputs.state }}/flaky; exit 3; }
    destructive: false
    safe_because: it only marks its own state file, to fail the first attempt
    retry: { attempts: 2, backoff: 10ms }
  - id: each
    for_each: { in: "[1, 2, 3]", as: n }
    shell: test \${{ n }} != 2
    on: { failed: look }
  - id: look
    manual: { instructions: Look at the dashboard, choices: [go, stop] }
    on: { stop: stopped, go: ticket }
  - id: ticket
    prompt: { message: Ticket?, pattern: "[A-Z]+-[0-9]+" }
    capture: ticket
  - id: call
    runbook: { name: child, inputs: { url: "\${{ inputs.url }}" } }
    on: { escalate: restart, resolved: restart }
  - id: restart
    destructive: true
    shell: echo restarted
    on: { skipped: stopped }
  - id: done
    end: resolved
    message: "n=\${{ vars.n }} dry=\${{ vars.dry }} items ok=\${{ steps.each.details.ok }} ticket=\${{ ticket.value }} child=\${{ steps.call.value }} failed=\${{ steps.call.outputs.failed }} deep=\${{ steps.call.outputs.deep }}"
  - id: stopped
    end: escalate
    message: stopped
  - id: refused
    end: escalate
    message: refused
`);
  writeFileSync(join(dir, 'child.yaml'), `name: child
title: Called
inputs:
  url: { required: true, secret: true, type: url }
connections:
  db: { url: "\${{ inputs.url }}" }
outputs:
  failed: steps.each.details.failed
  deep: steps.deeper.outputs.answer
steps:
  - id: rows
    sql: { query: SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3 }
    capture: rows
  - id: half
    vars: { limit: length(rows.rows) - 1 }
  - id: each
    for_each: { in: rows.rows, as: r }
    shell: test \${{ r.a }} -le \${{ vars.limit }}
    on: { failed: deeper }
  - id: deeper
    runbook: { name: grandchild }
    on: { resolved: some-failed }
  - id: all
    end: resolved
    message: all
  - id: some-failed
    end: escalate
    message: some failed
`);
  writeFileSync(join(dir, 'grandchild.yaml'), `name: grandchild
title: Deeper
outputs:
  answer: steps.which.value
steps:
  - id: which
    prompt: { message: Which node?, choices: [primary, replica] }
    on: { primary: p, replica: r }
  - id: p
    end: resolved
    message: primary
  - id: r
    end: resolved
    message: replica
`);
  return join(dir, 'every.yaml');
}
