/** How much of one line an error message shows. */
export const EXCERPT_CHARS = 200;
const MESSAGE_LINE_CHARS = 300;

/**
 * At most `EXCERPT_CHARS` of a line, around `column` (0-based) when it is known: a 5 MB line in
 * an error message would bury the message itself.
 */
export function excerpt(line: string, column?: number): string {
  const text = line.trimEnd();
  if (text.length <= EXCERPT_CHARS) return text;
  const start = Math.max(
    0,
    Math.min((column ?? 0) - EXCERPT_CHARS / 2, text.length - EXCERPT_CHARS),
  );
  const end = start + EXCERPT_CHARS;
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}

/** Each line of a message cut to a readable length, saying how much was left out. */
export function capLines(message: string): string {
  return message
    .split('\n')
    .map((l) =>
      l.length <= MESSAGE_LINE_CHARS
        ? l
        : `${l.slice(0, MESSAGE_LINE_CHARS)}… (${(l.length - MESSAGE_LINE_CHARS).toLocaleString('en-US')} more characters)`,
    )
    .join('\n');
}
