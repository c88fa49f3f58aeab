import { injectFault } from '../src/lab/index.js';
import { execFileSync } from 'node:child_process';
const fault = await injectFault('ssl-required', 'mariadb');
try {
  try {
    execFileSync('node', ['bin/runbook.js', 'run', 'auth', '--dry-run', '--plain', '--transcript', '/tmp/st.jsonl', '--input', `url=${fault.url}`, '--input', `admin_url=${fault.server!.adminUrl()}`], { stdio: 'pipe', input: '' });
  } catch (e: any) { console.log(String(e.stdout).split('\n').filter((l: string) => /account|FAILED|secure|error/i.test(l)).join('\n')); }
} finally { await fault.cleanup(); }
