"use client";

import { useState } from "react";
import { handOffScript } from "@/components/files/editor-handoff";
import { useTranscriptStore } from "@/components/stream/use-transcript-store";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";
import type { TranscriptEntry } from "@/lib/xmpp/entry";

/**
 * Record in the workbench (issue 14): from now, or from the entry selected in the lanes, what
 * this session sends becomes a stanza script (lib/scripts/record.ts, loaded on first use),
 * which opens in the scripts page in a new tab while this session goes on.
 */
export function RecordScript({ store, jid, selectedSeq }: { store: TranscriptStore; jid: string | null; selectedSeq: number | null }) {
  useTranscriptStore(store);
  const [from, setFrom] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  if (jid === null) return null;
  const start = from ?? (selectedSeq === null ? null : selectedSeq - 1);
  const sent = start === null ? 0 : countSent(store.all(), start);

  async function make() {
    if (start === null || jid === null) return;
    const { recordScript } = await import("@/lib/scripts/record");
    try {
      const text = recordScript({ entries: store.all().filter((entry) => entry.seq > start), jid, domain: jid.replace(/\/.*$/, "").replace(/^[^@]*@/, "") });
      handOffScript(text);
      setFrom(null);
      setProblem(null);
      window.open("/scripts", "_blank");
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <>
      {from === null ? (
        <button type="button" className="button small" onClick={() => setFrom(store.lastSeq)} title="What you send from now on becomes a stanza script">
          Record from now
        </button>
      ) : (
        <button type="button" className="button small" onClick={() => setFrom(null)}>
          Stop recording
        </button>
      )}
      {start !== null && (
        <button type="button" className="button small" disabled={sent === 0} onClick={() => void make()} title="Opens the script in the scripts page, in a new tab">
          {from === null ? `Script from #${selectedSeq}` : "Make a script"} ({sent} sent)
        </button>
      )}
      {problem && (
        <span role="alert" className="error-text">
          {problem}
        </span>
      )}
    </>
  );
}

/** Stanzas sent after `seq`, counted from the end: a recording is the tail of a transcript that may be long. */
function countSent(entries: readonly TranscriptEntry[], seq: number): number {
  let count = 0;
  for (let at = entries.length - 1; at >= 0 && entries[at]!.seq > seq; at--) {
    const entry = entries[at]!;
    if (entry.dir === "out" && (entry.kind === "message" || entry.kind === "presence" || entry.kind === "iq") && !entry.auto) count++;
  }
  return count;
}
