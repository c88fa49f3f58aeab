// Java trust stores for the tests of diagnose from a Java application: made by the JDK's own keytool.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

export const hasJava = spawnSync('java', ['-version']).status === 0 && spawnSync('keytool', ['-help']).status === 0;

/** A store of `type` (PKCS12, JKS, JCEKS) at `path` trusting `caFile`, with the password `app-secret`. */
export function keystore(caFile: string, path: string, type: string): void {
  const r = spawnSync('keytool', ['-importcert', '-noprompt', '-alias', 'lab', '-file', caFile, '-keystore', path, '-storetype', type, '-storepass', 'app-secret']);
  assert.equal(r.status, 0, String(r.stderr));
}
