"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { DEFAULT_LAYOUT, LAYOUT_PREFS_KEY, parseLayoutPrefs, serializeLayoutPrefs, type LayoutPrefs } from "@/lib/persistence/workbench-prefs";

/** localStorage, or nothing where the browser refuses it (private modes, storage off). */
export function readStored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Not remembering the layout is no reason to stop the page.
  }
}

/**
 * The workbench layout, remembered across reloads. The server renders the defaults; the
 * remembered layout applies right after hydration (the server cannot read localStorage).
 */
export function useLayoutPrefs(): [LayoutPrefs, (change: Partial<LayoutPrefs>) => void] {
  const [layout, setLayout] = useState<LayoutPrefs>(DEFAULT_LAYOUT);
  const loaded = useRef(false);
  useEffect(() => {
    loaded.current = true;
    const stored = readStored(LAYOUT_PREFS_KEY);
    // eslint-disable-next-line react-hooks/set-state-in-effect -- localStorage exists only after hydration
    if (stored !== null) setLayout(parseLayoutPrefs(stored));
  }, []);
  const change = useCallback((patch: Partial<LayoutPrefs>) => {
    setLayout((current) => {
      const next = { ...current, ...patch };
      if (loaded.current) writeStored(LAYOUT_PREFS_KEY, serializeLayoutPrefs(next));
      return next;
    });
  }, []);
  return [layout, change];
}
