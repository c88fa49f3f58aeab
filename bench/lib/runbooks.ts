// Runbooks generated for the benchmarks: written as YAML text, the way an author would, so each
// figure goes through the real loader, validator and compiler.
import { appendFileSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const header = (name: string, title: string) => [`name: ${name}`, `title: ${title}`];

/** n shell steps running `true`, one after the other, then resolved. */
export function shellRunbook(n: number, command = "'true'"): string {
  const lines = [...header('bench-shell', 'Shell steps'), 'steps:'];
  for (let i = 1; i <= n; i++) lines.push(`  - id: s${i}`, `    shell: ${command}`);
  lines.push('  - id: done', '    end: resolved', '    message: all steps ran');
  return `${lines.join('\n')}\n`;
}

/** The same steps outside the proven subset (a brace group), vouched for: bash runs the author's text (issue #44). */
export function vouchedShellRunbook(n: number): string {
  const lines = [...header('bench-shell-vouched', 'Vouched shell steps'), 'steps:'];
  for (let i = 1; i <= n; i++) lines.push(`  - id: s${i}`, '    destructive: false', '    safe_because: a bench step that does nothing', `    shell: '{ true; }'`);
  lines.push('  - id: done', '    end: resolved', '    message: all steps ran');
  return `${lines.join('\n')}\n`;
}

/** Issue #32's 3-step local runbook (two `echo` shell steps and an end), and the local copy of pool-exhausted
 *  (one comment line added, so no build index matches it): the `local` figure's subjects and the `floor`'s. */
export const THREE_STEPS = `name: three
title: Three local steps
steps:
  - id: look
    shell: echo looking
  - id: think
    shell: echo thinking
  - id: done
    end: resolved
    message: all good
`;
export function writeLocalRunbooks(dir: string, root: string): { three: string; pool: string } {
  const three = join(dir, 'three.yaml');
  writeFileSync(three, THREE_STEPS);
  const pool = join(dir, 'pool-exhausted.yaml');
  copyFileSync(join(root, 'runbooks', 'pool-exhausted.yaml'), pool);
  appendFileSync(pool, '# a local copy\n');
  return { three, pool };
}

/** n read-only `SELECT 1` steps on one connection given by the url input, then resolved. */
export function sqlRunbook(n: number, query = 'SELECT 1'): string {
  const lines = [...header('bench-sql', 'SQL steps'),
    'inputs:', '  url: { required: true, type: url }',
    'connections:', '  db: { url: "${{ inputs.url }}" }',
    'steps:'];
  for (let i = 1; i <= n; i++) lines.push(`  - id: q${i}`, `    sql: { query: ${query} }`);
  lines.push('  - id: done', '    end: resolved', '    message: all queries ran');
  return `${lines.join('\n')}\n`;
}

/** A small runbook for the first frame: its title is what the bench waits for on the screen. */
export const FIRST_FRAME_TITLE = 'Bench first frame';
export function firstFrameRunbook(): string {
  return `${[...header('bench-first-frame', FIRST_FRAME_TITLE),
    'steps:',
    '  - id: look', '    title: Look around', '    shell: sleep 10',
    '  - id: done', '    end: resolved'].join('\n')}\n`;
}

/** One step printing `bytes` bytes of text lines (yes | head), then resolved; with `secret`, the runbook has a
 *  secret input of that default (registered for masking, never printed): the masker reads all of the output.
 *  `yes` is cut off by `head` (SIGPIPE), which the shell step's pipefail counts as a failure: off for this pipe. */
export function bigOutputRunbook(bytes: number, secret?: string): string {
  return `${[...header('bench-big-output', 'A step that prints a lot'),
    ...(secret ? ['inputs:', `  token: { secret: true, default: "${secret}" }`] : []),
    'steps:',
    '  - id: chatty', `    shell: set +o pipefail; yes 'a line of output from a very chatty step, like a log dump 0123456789' | head -c ${bytes}`,
    '  - id: done', '    end: resolved'].join('\n')}\n`;
}

/**
 * A large, realistic runbook: n steps in groups of five (probe, SQL with params and a capture, shell
 * with templates and a branch, a destructive step with a confirmation, a manual check), every step
 * described, every group linked to the next.
 */
export function largeRunbook(n: number): string {
  const groups = Math.ceil(n / 5);
  const lines = [
    ...header('bench-large', 'A generated runbook with many steps'),
    'summary: Generated for the validate benchmark; every kind of step, described, branched and templated.',
    'inputs:',
    '  url: { description: The database URL., env: DATABASE_URL, secret: true, required: true, type: url }',
    '  service: { description: The application unit., default: app.service }',
    'connections:',
    '  db: { url: "${{ inputs.url }}" }',
    'steps:',
  ];
  let made = 0;
  for (let g = 1; g <= groups && made < n; g++) {
    const next = g < groups ? `tcp${g + 1}` : 'done';
    const group = [
      [`  - id: tcp${g}`,
        `    title: TCP connect, round ${g}`,
        '    description: >-',
        '      Connects to the database port the way the application does. A timeout means packets are dropped',
        '      on the way; refused means nothing listens there.',
        '    probe: tcp',
        '    with: { connection: db, timeout: 5s }',
        `    capture: tcp${g}`,
        `    on: { ok: usage${g}, refused: restart${g}, timeout: check${g}, error: check${g} }`],
      [`  - id: usage${g}`,
        `    title: Connection slots in use, round ${g}`,
        '    description: Counts the sessions against max_connections and names who holds them.',
        '    sql:',
        '      query:',
        '        postgres: SELECT count(*)::int AS used, $1::text AS who FROM pg_stat_activity WHERE backend_type = \'client backend\'',
        '        mysql: SELECT COUNT(*) AS used, ? AS who FROM information_schema.PROCESSLIST',
        `      params: ["\${{ inputs.service }}"]`,
        `    capture: usage${g}`,
        '    next:',
        `      - if: usage${g}.rows[0].used > 90 && usage${g}.rowCount == 1`,
        `        goto: restart${g}`,
        `      - goto: logs${g}`],
      [`  - id: logs${g}`,
        `    title: Recent application errors, round ${g}`,
        '    description: The last lines the application logged about its database, to see what it saw.',
        `    shell: journalctl -u \${{ inputs.service }} --since '-10 min' | grep -iE 'database|connect' | tail -n 50 || true`,
        `    capture: logs${g}`,
        '    next:',
        `      - if: logs${g}.stdout contains 'too many'`,
        `        goto: restart${g}`,
        `      - goto: check${g}`],
      [`  - id: restart${g}`,
        `    title: Restart the application, round ${g}`,
        '    description: Restarting drops every pooled connection and opens fresh ones.',
        '    destructive: true',
        `    confirm: Restart \${{ inputs.service }} now?`,
        `    blast_radius: every request in flight on \${{ inputs.service }}`,
        `    shell: systemctl restart \${{ inputs.service }}`,
        `    next: check${g}`],
      [`  - id: check${g}`,
        `    title: Does the application answer, round ${g}`,
        '    description: Look at the health page and the error rate on the dashboard.',
        '    manual:',
        '      instructions: Open the dashboard and check the error rate is back to normal.',
        '      choices: [healthy, still failing]',
        `    capture: check${g}`,
        '    next:',
        `      - if: check${g}.value == 'healthy'`,
        '        goto: done',
        `      - goto: ${next}`],
    ];
    for (const step of group) { if (made++ < n) lines.push(...step); }
  }
  lines.push('  - id: done', '    end: resolved', '    message: The application reaches its database again.');
  return `${lines.join('\n')}\n`;
}

/** A step printing `lines` blank lines and then text, followed by `after` trivial steps. `yes` is cut off by
 *  `head` (SIGPIPE), which the shell step's pipefail counts as a failure: off for this pipe. */
export function blankLinesRunbook(lines: number, after: number): string {
  const steps = [`  - id: dump`, `    shell: "set +o pipefail; yes '' | head -n ${lines}; echo done"`];
  for (let i = 1; i <= after; i++) steps.push(`  - id: s${i}`, `    shell: "true"`);
  return `${[...header('bench-blank-lines', 'Blank lines, then text'), 'steps:', ...steps, '  - id: done', '    end: resolved'].join('\n')}\n`;
}

/** n `true` steps on an SSH target whose client config file is the `config` input, then resolved. */
export function remoteRunbook(n: number): string {
  const lines = [...header('bench-remote', 'Remote shell steps'),
    'inputs:', '  config: { required: true }',
    'targets:', '  host: { ssh: { destination: runbook-sshd, config: "${{ inputs.config }}" } }',
    'steps:'];
  for (let i = 1; i <= n; i++) lines.push(`  - id: r${i}`, '    target: host', "    shell: 'true'");
  lines.push('  - id: done', '    end: resolved', '    message: all steps ran');
  return `${lines.join('\n')}\n`;
}
