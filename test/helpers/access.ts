// Whether another OS user can use this checkout. A clone inside a private (0700) directory cannot be run by
// `nobody` at all; tests that switch users say so and skip rather than fail for a reason outside the product.
import { spawnSync } from 'node:child_process';
import { BIN } from './cli.js';

export function checkoutUsableBy(uid: number): boolean {
  const r = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(BIN)}, require('fs').constants.R_OK)`], { uid, gid: uid });
  return r.status === 0;
}

export const NOBODY = 65534;
