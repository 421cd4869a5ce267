"use client";

import { useEffect, useRef, useState } from "react";
import { transcriptWriter } from "@/lib/persistence/transcript-writer";
import type { TranscriptMeta } from "@/lib/transcript-files/format";

export { playgroundDb, useSendHistory } from "./use-send-history";

/**
 * Keeps this session's transcript in the browser as it grows (masked, as received): the
 * bridge's batches go to the storage thread as they arrive (useXmppSession's onBatch), so a
 * reload can show them even after the session ended. Returns a message when storage is
 * unavailable or full; the live session goes on regardless. `onStored` hears the session and
 * the last seq of each write committed (the bridge may then forget those entries).
 */
export function usePersistedTranscript(sessionKey: string | null, meta: TranscriptMeta, onStored?: (sessionKey: string, seq: number) => void): string | null {
  const [notice, setNotice] = useState<string | null>(null);
  const onStoredRef = useRef(onStored);
  useEffect(() => {
    onStoredRef.current = onStored;
  });

  useEffect(() => {
    if (sessionKey === null) return;
    return transcriptWriter().subscribe(sessionKey, (report) => {
      if (report.type === "stored") onStoredRef.current?.(sessionKey, report.seq);
      else setNotice(report.message);
    });
  }, [sessionKey]);

  const { jid, target, mode } = meta;
  useEffect(() => {
    if (sessionKey === null) return;
    transcriptWriter().meta(sessionKey, { ...(jid === undefined ? {} : { jid }), ...(target === undefined ? {} : { target }), ...(mode === undefined ? {} : { mode }) });
  }, [sessionKey, jid, target, mode]);

  return notice;
}
