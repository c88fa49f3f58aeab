// ANSI colour for plain mode, or none at all: every function is the identity when colour is off.
export interface Paint { bold(s: string): string; dim(s: string): string; red(s: string): string; green(s: string): string; yellow(s: string): string; cyan(s: string): string }

const sgr = (open: number, close: number) => (s: string) => `\u001B[${open}m${s}\u001B[${close}m`;
const same = (s: string) => s;

export function paint(enabled: boolean): Paint {
  if (!enabled) return { bold: same, dim: same, red: same, green: same, yellow: same, cyan: same };
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}
