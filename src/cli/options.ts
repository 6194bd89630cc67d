import { InvalidArgumentError } from 'commander';

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
