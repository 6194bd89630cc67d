import { expect, it } from 'vitest';
import { sharedUntilFailure } from '../../src/util/shared.ts';

it('runs once for every caller, and again after a failure', async () => {
  const calls: string[] = [];
  let fail = true;
  const get = sharedUntilFailure(async (who: string) => {
    calls.push(who);
    await new Promise((r) => setTimeout(r, 5));
    if (fail) throw new Error(`failed for ${who}`);
    return `made by ${who}`;
  });
  // Both callers share the first attempt, and its failure.
  const first = await Promise.allSettled([get('a'), get('b')]);
  expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  expect(calls).toEqual(['a']);
  fail = false;
  expect(await Promise.all([get('c'), get('d')])).toEqual(['made by c', 'made by c']);
  expect(await get('e')).toBe('made by c');
  expect(calls).toEqual(['a', 'c']);
});
