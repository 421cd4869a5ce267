/**
 * Code a page loads after its first paint (the lesson pages' 200 KB budget), with a
 * synchronous view of it for render code once it has arrived and a subscription for
 * useSyncExternalStore. Until then, callers show what they can without it.
 */
export interface LazyModule<T> {
  /** Starts the load once; later calls share it. */
  load(): Promise<T>;
  /** The module, or null while it has not arrived. */
  current(): T | null;
  /** Calls `listener` once the module has arrived. */
  subscribe(listener: () => void): () => void;
}

export function lazyModule<T>(importer: () => Promise<T>): LazyModule<T> {
  let loaded: T | null = null;
  let loading: Promise<T> | null = null;
  const listeners = new Set<() => void>();
  return {
    load() {
      loading ??= importer().then(
        (module) => {
          loaded = module;
          for (const listener of listeners) listener();
          return module;
        },
        (error: unknown) => {
          // A failed chunk load (a deploy, a dropped connection) may be tried again later.
          loading = null;
          throw error;
        },
      );
      return loading;
    },
    current: () => loaded,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** What a person is told when code that loads after first paint could not be fetched. */
export function couldNotLoad(what: string, error: unknown): string {
  return `${what} could not load (${error instanceof Error ? error.message : String(error)}). Reload the page: your progress is kept.`;
}
