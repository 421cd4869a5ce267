"use client";

import dynamic from "next/dynamic";
import { useCallback, useMemo } from "react";
import type { ExportedEntry, TranscriptMeta } from "@/lib/transcript-files/format";
import { storeOf } from "@/lib/transcript/transcript-store";
import { SequencePanel } from "@/components/sequence/sequence-panel";
import { StreamLanes } from "@/components/stream/stream-lanes";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import { handOffToEditor } from "./editor-handoff";
import styles from "./capture-viewer.module.css";

// The explanations carry the whole XMPP schema: they load after first paint, as in the workbench.
const ExplanationPanel = dynamic(() => import("@/components/explain/explanation-panel").then((module) => module.ExplanationPanel), {
  ssr: false,
  loading: () => <p className="hint">Loading explanations…</p>,
});

const NO_SECRETS = () => undefined;

/** "Load into editor": the workbench opens in a new tab with the stanza, and the capture stays open here. */
function loadIntoEditor(text: string): void {
  handOffToEditor(text);
  window.open("/playground", "_blank");
}

interface CapturePaneProps {
  label: string;
  meta: TranscriptMeta;
  entries: readonly ExportedEntry[];
  selectedSeq: number | null;
  onSelect(seq: number | null): void;
}

/** One account of a capture, read-only, in the workbench's own lanes with every tool but sending. */
export function CapturePane({ label, meta, entries, selectedSeq, onSelect }: CapturePaneProps) {
  const store = useMemo(() => storeOf(entries), [entries]);
  const select = useCallback((seq: number | null) => onSelect(seq), [onSelect]);
  return (
    <section className={styles.pane} aria-label={label} data-testid="capture-pane">
      <h2 className={styles.paneTitle}>{[meta.jid ?? "no JID", meta.target, meta.mode].filter(Boolean).join(" · ")}</h2>
      <SequencePanel defaultOpen={false} store={store} account={meta.jid} selectedSeq={selectedSeq} onSelect={select} />
      <div className={styles.body}>
        <div className={styles.lanes}>
          <PanelBoundary name="The stream lanes">
            <StreamLanes store={store} revealed={false} secrets={null} canReveal={false} onToggleSecrets={NO_SECRETS} onLoadIntoEditor={loadIntoEditor} selectedSeq={selectedSeq} onSelect={select} />
          </PanelBoundary>
        </div>
        <div className={styles.explanation}>
          <PanelBoundary name="The explanation" resetKey={selectedSeq}>
            <ExplanationPanel entry={selectedSeq === null ? null : (store.bySeq(selectedSeq) ?? null)} />
          </PanelBoundary>
        </div>
      </div>
    </section>
  );
}
