// ec's caches (conforma/cli a18338416237 internal/rego/oci/oci.go: a sync.Map behind a
// singleflight.Group): one fetch per key at a time, its answer kept; a failure (a rejection) is
// dropped so that the next call tries again, as ec stores successes only. Pure.

export function remember<T>(cache: Map<string, Promise<T>>, key: string, fetch: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = fetch();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}
