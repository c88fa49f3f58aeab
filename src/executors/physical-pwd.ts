// A step's PWD is the physical path of its directory, the one the engine reads and a resume compares: bash keeps an
// inherited PWD that names the same directory by another path (a symlink), and `cd ..`, `$PWD` and `pwd` follow it.
import { realpathSync } from 'node:fs';
/** `env` with PWD the physical path of `cwd` (bash takes it as it is) and no OLDPWD; as it was where `cwd` does
 *  not resolve (the spawn then fails on the directory itself). */
export function physicalPwd(env: NodeJS.ProcessEnv, cwd: string): NodeJS.ProcessEnv {
  let physical: string;
  try { physical = realpathSync(cwd); } catch { return env; }
  const { OLDPWD: _old, ...rest } = env;
  return { ...rest, PWD: physical };
}
