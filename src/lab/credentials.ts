// Role names and passwords shared by every server of this process (they are baked into
// the per-process templates, which is what keeps start-up fast).
import { randomBytes } from 'node:crypto';
import { sharedJson } from './shared-dir.js';

// The suffix holds URL-reserved characters on purpose: every URL must encode them.
const secret = (): string => `${randomBytes(9).toString('base64url')}:@/#`;

export interface LabCredentials {
  superuser: string;
  superPassword: string;
  appUser: string;
  appPassword: string;
  database: string;
}

let creds: LabCredentials | undefined;

export function labCredentials(): LabCredentials {
  // Shared by a test suite's processes when their templates are (shared-dir.ts).
  creds ??= sharedJson('credentials', () => ({
    superuser: 'lab_admin',
    superPassword: secret(),
    appUser: 'app_user',
    appPassword: secret(),
    database: 'app_db',
  }));
  return creds;
}

/**
 * A single-quoted SQL literal valid on both engines. Backslashes are rejected because
 * the engines disagree on them (PostgreSQL: literal, MariaDB: escape).
 */
export function sqlString(value: string): string {
  if (value.includes('\\')) throw new Error('lab SQL literals must not contain backslashes');
  return `'${value.replace(/'/g, "''")}'`;
}
