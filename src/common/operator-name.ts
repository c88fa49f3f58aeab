// Who is at the keyboard, for the transcript's "confirmed by": $USER, else $LOGNAME, else the OS account
// (a cron job, `env -i`, some containers leave both unset). 'operator' only when the account has no name.
import { userInfo } from 'node:os';

export function operatorName(env: NodeJS.ProcessEnv = process.env, account: () => string = () => userInfo().username): string {
  const fromEnv = [env.USER, env.LOGNAME].map((v) => v?.trim()).find((v) => v);
  if (fromEnv) return fromEnv;
  try {
    return account().trim() || 'operator';
  } catch {
    return 'operator'; // no passwd entry for this uid (a bare container)
  }
}
