"use client";

import { startTransition, useCallback, useEffect, useState } from "react";
import type { OpenPlaygroundDbResult } from "@/lib/persistence/playground-db";
import { withLoaded, withSent } from "@/lib/persistence/send-history";

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
  // Held with the pane they belong to: a new paneId starts from nothing, then its stored history.
  const [held, setHeld] = useState<HeldHistory>({ paneId, texts: NO_HISTORY });
  useEffect(() => {
    let live = true;
    void playgroundDb().then(async (opened) => {
      if (!opened.ok) return;
      const loaded = await opened.db.loadHistory(paneId);
      // What was sent while it loaded stays, after it (withLoaded).
      if (live) setHeld((current) => ({ paneId, texts: withLoaded(loaded, textsOf(current, paneId)) }));
    });
    return () => {
      live = false;
    };
  }, [paneId]);

  const remember = useCallback(
    (text: string) => {
      // A transition: the pane's re-render for it yields to the reply arriving meanwhile (issue 17).
      startTransition(() => setHeld((current) => ({ paneId, texts: withSent(textsOf(current, paneId), text) })));
      void playgroundDb().then((opened) => (opened.ok ? opened.db.appendHistory(paneId, text) : undefined));
    },
    [paneId],
  );
  return { history: textsOf(held, paneId), remember };
}

interface HeldHistory {
  paneId: string;
  texts: readonly string[];
}

const NO_HISTORY: readonly string[] = [];

/** The texts held, if they are this pane's; a pane just renamed has none yet. */
function textsOf(held: HeldHistory, paneId: string): readonly string[] {
  return held.paneId === paneId ? held.texts : NO_HISTORY;
}
