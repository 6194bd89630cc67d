import { InvalidArgumentError } from 'commander';
import { parseInstant } from '../util/instant.ts';

/**
 * A parser for a whole-number option (`--threads`, `--limit`, `--port`): anything else ('abc',
 * '2.5', '-1', '1e3') is refused by commander as an invalid argument, which the CLI exits 2 on.
 */
export function wholeNumber(flag: string, min: number, max = Infinity): (raw: string) => number {
  const range = max === Infinity ? `, ${min} or more` : ` from ${min} to ${max}`;
  return (raw) => {
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= min && n <= max))
      throw new InvalidArgumentError(`${flag} must be a whole number${range}.`);
    return n;
  };
}

/** A parser for a date or time option (`--event-time-start`): ISO, UTC unless it says otherwise. */
export function instant(flag: string): (raw: string) => Date {
  return (raw) => {
    try {
      return parseInstant(raw, flag);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}
