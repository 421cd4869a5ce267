"use client";

import { useEffect, useMemo, useState } from "react";
import type { KnownMatches, QuerySpec } from "@/lib/transcript/query";
import type { SearchClient } from "@/lib/transcript/search-client";
import { SEARCH_WORKER_FROM, SEARCH_WORKER_KEY, indexableNeedle } from "@/lib/transcript/search-needle";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";

function workerOff(): boolean {
  try {
    return window.localStorage.getItem(SEARCH_WORKER_KEY) === "off";
  } catch {
    return false;
  }
}

/**
 * The worker's answer for the spec's plain-text search: `pending` while it is being
 * searched (the lanes keep the last result on screen, scanning nothing themselves);
 * `known` once answered; neither when the worker is not in use (small store, a regex,
 * non-ASCII text, no Worker): the lanes then scan on the main thread as before.
 */
export function useIndexedSearch(store: TranscriptStore, spec: QuerySpec): { known: KnownMatches | null; pending: boolean } {
  const [client, setClient] = useState<{ store: TranscriptStore; client: SearchClient } | null>(null);
  useEffect(() => {
    let stopped = false;
    let started: SearchClient | null = null;
    let loading = false;
    const check = () => {
      if (loading || store.totalSize < SEARCH_WORKER_FROM || typeof Worker === "undefined") return;
      loading = true;
      // Its own chunk, loaded when a transcript first gets this big: no page's initial JS carries it.
      import("@/lib/transcript/search-client").then(
        ({ startSearchWorker }) => {
          if (stopped) return;
          started = startSearchWorker(store);
          setClient({ store, client: started });
        },
        () => undefined, // No worker: the main-thread scan still answers.
      );
    };
    const unsubscribe = store.subscribe(check);
    check();
    return () => {
      stopped = true;
      unsubscribe();
      started?.dispose();
    };
  }, [store]);

  const active = client !== null && client.store === store ? client.client : null;
  // Read when the search changes only: the bench flips it between queries.
  const needle = useMemo(() => (active === null || workerOff() ? null : indexableNeedle(spec.search, spec.mode)), [active, spec.search, spec.mode]);
  const [answer, setAnswer] = useState<KnownMatches | null>(null);
  useEffect(() => {
    if (active === null || needle === null) return;
    let current = true;
    void active.search(needle).then((known) => {
      if (current && known !== null) setAnswer(known);
    });
    return () => {
      current = false;
    };
  }, [active, needle]);

  if (needle === null) return { known: null, pending: false };
  const known = answer !== null && answer.needle === needle ? answer : null;
  return { known, pending: known === null };
}
