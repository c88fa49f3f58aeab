// The command text an event carries (a step's start line, a dry run's "would run", the gate's command and items;
// not a step's env:, whose values the gate shows with a note when their name looks like a credential's, engine/gate.ts), with the credentials written into it masked (secrets/command-credentials.ts) and handed to
// the run's redactor, so output that echoes them is masked too. Applied at the run's one publish point, before
// the data masking every event gets: the terminal UI, plain mode, the transcript and the store see the same.
import type { RunEvent } from './events.js';
import type { Redactor } from '../secrets/redactor.js';
import { commandCredentials, maskCommandCredentials } from '../secrets/command-credentials.js';

export function maskCommandText(redactor: Redactor, event: RunEvent): RunEvent {
  const m = (text: string): string => {
    // By value too (output that echoes it), unless the command holds the same text elsewhere: the redactor would
    // mask it there as well, and the gate would hide code (`PGPASSWORD='rm -rf d' true; rm -rf d` showed `****`).
    for (const value of commandCredentials(text)) if (occurrences(text, value) === 1) redactor.add(value);
    return maskCommandCredentials(text);
  };
  switch (event.type) {
    case 'step-started': return event.command === undefined ? event : { ...event, command: m(event.command) };
    case 'step-skipped': return event.detail === undefined ? event : { ...event, detail: m(event.detail), ...(event.items ? { items: event.items.map((i) => ({ label: m(i.label), detail: m(i.detail) })) } : {}) };
    case 'confirmation-requested': return {
      ...event, command: m(event.command),
      ...(event.items ? { items: event.items.map((i) => ({ label: m(i.label), detail: m(i.detail) })) } : {}),
    };
    default: return event;
  }
}

const occurrences = (text: string, value: string): number => text.split(value).length - 1;
