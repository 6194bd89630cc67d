/** Instants as microbatch windows use them: UTC throughout, as dbt assumes. */

/** `2024-10-01 00:00:00`: a UTC instant as templates receive it. */
export const sqlInstant = (t: Date): string =>
  t
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, '');

const ISO =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An instant from config or the command line: an ISO date or date and time, in UTC unless it
 * names an offset (as dbt reads `begin` and `--event-time-start`).
 */
export function parseInstant(text: string, what: string): Date {
  const m = ISO.exec(text.trim());
  const offset = m?.[3] && m[3] !== 'Z' ? `${m[3].slice(0, 3)}:${m[3].slice(-2)}` : 'Z';
  const t = m ? new Date(`${m[1]}T${m[2] ?? '00:00'}${offset}`) : undefined;
  // Date rolls 2024-02-30 over into March: a date that does not come back unchanged is not one.
  const real =
    t && !Number.isNaN(t.getTime()) && (offset !== 'Z' || t.toISOString().startsWith(m![1]));
  if (!real)
    throw new Error(
      `${what} must be an ISO date or date and time, e.g. 2024-10-01 or 2024-10-01T06:00:00 (UTC), not '${text}'`,
    );
  return t;
}
