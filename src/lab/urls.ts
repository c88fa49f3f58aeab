// Connection URLs as an application would configure them.
import type { LabEngine } from './types.js';

export interface UrlParts {
  engine: LabEngine;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  params?: Record<string, string>;
}

const SCHEME: Record<LabEngine, string> = { postgres: 'postgres', mariadb: 'mysql' };

export function buildUrl(p: UrlParts): string {
  const auth = `${encodeURIComponent(p.user)}:${encodeURIComponent(p.password)}`;
  const query = p.params && Object.keys(p.params).length > 0 ? `?${new URLSearchParams(p.params).toString()}` : '';
  return `${SCHEME[p.engine]}://${auth}@${p.host}:${p.port}/${encodeURIComponent(p.database)}${query}`;
}
