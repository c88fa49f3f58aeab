// Fault lab: throwaway local PostgreSQL/MariaDB servers with real connection faults.
export type {
  FaultKind,
  HeldConnections,
  InjectedFault,
  InjectFaultOptions,
  LabEngine,
  LabServer,
  LabServerOptions,
  UrlOptions,
} from './types.js';
export { FAULT_KINDS, RESERVED_ROLE } from './types.js';
export { LabError } from './lab-error.js';
export { labClientCerts, type ClientCertChoice, type LabClientCerts } from './client-certs.js';
export { labServerInfo } from './lab-server.js';
export { startPostgres } from './postgres.js';
export { startMariadb } from './mariadb.js';
export { faultKindsFor, injectFault, startServer } from './faults.js';
export { startSilentServer, type SilentServer } from './silent-server.js';
export { startDroppingListener, type DroppingListener } from './dropping-listener.js';
export { holdClosedPort, type ClosedPort } from './closed-port.js';
export { holdConnections } from './held-connections.js';
export { findMariadbBinaries, findPostgresBinaries } from './binaries.js';
export { pgbouncerBinary, startPgbouncer, type LabPooler, type PoolerOptions } from './pgbouncer.js';
export { injectPoolerFault, POOLER_FAULT_KINDS, startBusyPooler, type BusyPooler, type BusyPoolerOptions, type PoolerFault, type PoolerFaultKind } from './pooler-faults.js';
export { startHaproxy, startStunnel, type HaproxyOptions, type LabProxy } from './proxies.js';
export { fillLockTable, type LockTableHolder } from './lock-table.js';
export { capThreads, type ThreadLimit } from './thread-limit.js';
