import { Text } from 'ink';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Driven by the app's clock instead of its own timer: one timer for the whole UI. */
export function Spinner({ now, color }: { now: number; color?: string | undefined }) {
  return <Text color={color}>{FRAMES[Math.floor(now / 150) % FRAMES.length]}</Text>;
}
