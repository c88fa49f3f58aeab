// A question on screen takes no keys for its first moment: keys typed for the question before it (type-ahead,
// a paste, "2 Enter" where the 2 answered the last question) must not answer one the operator has not read.
import { useEffect, useState } from 'react';

/** False for `ms` after the component appears, then true. */
export function useArmed(ms: number): boolean {
  const [armed, setArmed] = useState(ms <= 0);
  useEffect(() => {
    if (ms <= 0) return undefined;
    const timer = setTimeout(() => setArmed(true), ms);
    return () => clearTimeout(timer);
  }, [ms]);
  return armed;
}
