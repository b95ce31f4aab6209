/** One read, shared by the callers that come within a time-to-live of its start. */
export interface SharedRead<T> {
  at: number;
  value: Promise<T>;
}

/**
 * The fresh read under `key`, or a new one from `start`, kept for `ttlMs` (0 keeps none). A read
 * that fails is dropped at once, so the next caller tries again.
 */
export function shared<K, R extends SharedRead<unknown>>(cache: Map<K, R>, key: K, ttlMs: number, start: () => R): R {
  const cached = cache.get(key);
  if (cached && Date.now() - cached.at < ttlMs) return cached;
  const read = start();
  if (ttlMs > 0) {
    cache.set(key, read);
    read.value.catch(() => {
      if (cache.get(key) === read) cache.delete(key);
    });
  }
  return read;
}
