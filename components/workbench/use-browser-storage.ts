"use client";

import { useEffect, useRef, useState } from "react";
import { playgroundDb } from "./use-send-history";
import { entriesAfter } from "@/lib/persistence/persisted-transcripts";
import type { TranscriptMeta } from "@/lib/transcript-files/format";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";

export { playgroundDb, useSendHistory } from "./use-send-history";

const SAVE_DELAY_MS = 300;

/**
 * Keeps this session's transcript in the browser as it grows (masked, as received), in
 * batches, so a reload can show it even after the session ended. Returns a message when
 * storage is unavailable or full; the live session goes on regardless. `onStored` hears
 * the session and last seq of each batch stored whole (the bridge may then forget them).
 */
export function usePersistedTranscript(store: TranscriptStore, sessionKey: string | null, meta: TranscriptMeta, onStored?: (sessionKey: string, seq: number) => void): string | null {
  const [notice, setNotice] = useState<string | null>(null);
  const metaRef = useRef(meta);
  const onStoredRef = useRef(onStored);
  useEffect(() => {
    metaRef.current = meta;
    onStoredRef.current = onStored;
  });

  useEffect(() => {
    if (sessionKey === null) return;
    let savedSeq = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const save = async () => {
      timer = null;
      const opened = await playgroundDb();
      if (!opened.ok) {
        setNotice(opened.message);
        return;
      }
      const fresh = entriesAfter(store.all(), savedSeq);
      if (fresh.length === 0 || stopped) return;
      savedSeq = fresh.at(-1)!.seq;
      const result = await opened.db.saveEntries(sessionKey, fresh, metaRef.current);
      if (!result.ok) {
        setNotice(result.message);
        stopped = true;
      } else {
        onStoredRef.current?.(sessionKey, savedSeq);
      }
    };
    const unsubscribe = store.subscribe(() => {
      if (timer === null && !stopped) timer = setTimeout(() => void save(), SAVE_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
      void save();
    };
  }, [store, sessionKey]);

  return notice;
}
