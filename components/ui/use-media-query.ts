"use client";

import { useCallback, useSyncExternalStore } from "react";

/** Whether the window matches `query`; false on the server and in the first (hydrating) render. */
export function useMediaQuery(query: string): boolean {
  // One subscription per query: a new subscribe function each render would make React
  // unsubscribe and subscribe again on every render of a page that re-renders per stanza.
  const subscribe = useCallback(
    (onChange: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener("change", onChange);
      return () => list.removeEventListener("change", onChange);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches, () => false);
}
