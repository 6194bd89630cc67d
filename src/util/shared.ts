/**
 * `fn` run once, its promise shared by every later caller (whatever arguments they pass), until
 * it fails: the next call after a failure runs it again.
 */
export function sharedUntilFailure<A extends unknown[], T>(
  fn: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  let pending: Promise<T> | undefined;
  return (...args) =>
    (pending ??= fn(...args).catch((e: unknown) => {
      pending = undefined;
      throw e;
    }));
}
