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
  // A PostgreSQL socket directory stands in the host's place (libpq: postgres://u@%2Ftmp/db): the URL gives each
  // part once, as the engine requires (a host and a ?host= read differently by different clients).
  const { host: socketDir, ...rest } = p.params ?? {};
  const inHostPlace = p.engine === 'postgres' && socketDir !== undefined;
  const host = inHostPlace ? encodeURIComponent(socketDir) : p.host;
  const params = inHostPlace ? rest : p.params ?? {};
  const query = Object.keys(params).length > 0 ? `?${new URLSearchParams(params).toString()}` : '';
  return `${SCHEME[p.engine]}://${auth}@${host}:${p.port}/${encodeURIComponent(p.database)}${query}`;
}
