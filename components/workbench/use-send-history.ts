"use client";

import { startTransition, useCallback, useEffect, useState } from "react";
import type { OpenPlaygroundDbResult } from "@/lib/persistence/playground-db";

/* Apart from the transcript's persistence (use-browser-storage.ts): a lesson page needs only this, and has little page weight to spare. */

let opening: Promise<OpenPlaygroundDbResult> | null = null;
/** One IndexedDB connection per tab. */
export function playgroundDb(): Promise<OpenPlaygroundDbResult> {
  // IndexedDB code loads after first paint: nothing needs it before the first entry.
  opening ??= import("@/lib/persistence/playground-db").then(({ openPlaygroundDb }) => openPlaygroundDb());
  return opening;
}

/** The texts sent from a pane, oldest first, kept across reloads (Ctrl+Up walks them). */
export function useSendHistory(paneId: string): { history: readonly string[]; remember(text: string): void } {
  const [history, setHistory] = useState<readonly string[]>([]);
  useEffect(() => {
    let live = true;
    void playgroundDb().then(async (opened) => {
      if (!opened.ok) return;
      const loaded = await opened.db.loadHistory(paneId);
      if (live) setHistory(loaded);
    });
    return () => {
      live = false;
    };
  }, [paneId]);

  const remember = useCallback(
    (text: string) => {
      // A transition: the pane's re-render for it yields to the reply arriving meanwhile (issue 17).
      startTransition(() => setHistory((previous) => [...previous.filter((sent) => sent !== text), text].slice(-200)));
      void playgroundDb().then((opened) => (opened.ok ? opened.db.appendHistory(paneId, text) : undefined));
    },
    [paneId],
  );
  return { history, remember };
}
