// The command text every screen draws (the gate, its c view, --plain's gate, the start line, the running step, the
// dry run's plan): the raw text less the line breaks before its first line and after its last, and nothing else.
// JavaScript's trim() and `\s` take Unicode's spaces too (U+00A0, U+3000, U+2028, U+FEFF, \v, \f, \r), which bash
// reads as word characters: a script ending in a line of one U+00A0 ran a function of that name, defined in a file
// it sourced, while every screen drew the script without that line (a probe of stop 80). A line break is the one
// character both readers take for nothing at the ends; anything else is drawn, named (visible-text.ts exactLine).

/** The command as drawn: only leading and trailing line breaks left out. */
export const commandBody = (command: string): string => command.replace(/^\n+|\n+$/g, '');

/** Its lines, as drawn. */
export const commandBodyLines = (command: string): string[] => commandBody(command).split('\n');
