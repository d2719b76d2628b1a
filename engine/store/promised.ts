/** `T`'s methods `K`, answering with Promises (the async ports over both dialects, #18). */
export type Promised<T, K extends keyof T> = { [P in K]: T[P] extends (...a: infer A) => infer R ? (...a: A) => Promise<Awaited<R>> : never };

/**
 * Wraps each method so that it answers with a Promise, a thrown error becoming a rejection (as PostgreSQL's
 * failures are). Bound to the repository, so `this` stays right.
 */
export function promised<T extends object, K extends keyof T>(repo: T, keys: readonly K[]): Promised<T, K> {
  const out: Record<PropertyKey, unknown> = {};
  for (const k of keys) {
    const fn = repo[k] as unknown as (...a: unknown[]) => unknown;
    out[k] = (...a: unknown[]) => {
      try {
        return Promise.resolve(fn.apply(repo, a));
      } catch (err) {
        return Promise.reject(err);
      }
    };
  }
  return out as Promised<T, K>;
}
