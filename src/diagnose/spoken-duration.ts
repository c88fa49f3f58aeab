/** A time as diagnose's findings say it: "37 ms", "4.2 s", "10 min" (a setting's whole minutes stay minutes). */
export function spokenDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}
