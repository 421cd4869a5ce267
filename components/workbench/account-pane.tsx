"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { StanzaEditor, type StanzaEditorHandle } from "@/components/editor/stanza-editor";
import { PanelBoundary } from "@/components/ui/panel-boundary";
import dynamic from "next/dynamic";
import { ExportMenu, StorageFullNotice } from "@/components/files/transcript-files";
import { StreamLanes } from "@/components/stream/stream-lanes";
import { RecordScript } from "@/components/scripts/record-script";
import { ShareLink } from "@/components/files/share-link";
import { useLinkedText } from "@/components/files/use-linked-text";
import { SequencePanel } from "@/components/sequence/sequence-panel";
import { useTranscriptShape, useTranscriptStore } from "@/components/stream/use-transcript-store";
import type { DemoAccount } from "@/lib/demo-accounts";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";
import type { TranscriptMeta } from "@/lib/transcript-files/format";
import type { LayoutPrefs, PaneId } from "@/lib/persistence/workbench-prefs";
import { ConnectForm } from "./connect-form";
import { PaneSplitter } from "./pane-splitter";
import { usePersistedTranscript, useSendHistory } from "./use-browser-storage";
import { useXmppSession } from "./use-xmpp-session";
import { useRegisterPaneCapture } from "./pane-captures";
import { takeHandOff } from "@/components/files/editor-handoff";

// The explanations carry the whole XMPP schema: they load after first paint.
const ExplanationPanel = dynamic(() => import("@/components/explain/explanation-panel").then((module) => module.ExplanationPanel), {
  ssr: false,
  loading: () => <p className="hint">Loading explanations…</p>,
});

const STARTER_STANZA = `<message to="{{peer}}" type="chat">
  <body>Hello from the playground!</body>
</message>`;

interface AccountPaneProps {
  paneId: PaneId;
  label: string;
  accounts: readonly DemoAccount[];
  domain: string;
  suggested: number;
  layout: LayoutPrefs;
  onLayoutChange(change: Partial<LayoutPrefs>): void;
  /** Another pane is maximized: this one stays mounted (and connected), out of sight. */
  hidden: boolean;
  canMaximize: boolean;
}

/** One account: its connection, its editor and its own pair of lanes. */
export function AccountPane({ paneId, label, accounts, domain, suggested, layout, onLayoutChange, hidden, canMaximize }: AccountPaneProps) {
  const { view, store, connect, send, disconnect, toggleSecrets, acknowledge } = useXmppSession(paneId);
  // Not every append: the lanes and the Export menu render those themselves; the pane reads the
  // store only where its shape matters (Clear, Undo, a new session: the selected entry's explanation).
  useTranscriptShape(store);
  const [draft, setDraft] = useState(STARTER_STANZA);
  const [sendError, setSendError] = useState<string | null>(null);
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const [noticeDismissed, setNoticeDismissed] = useState(false);
  const maximized = layout.maximized === paneId;
  // Two panes share the height: the lanes' toolbar keeps to one row (view options and filters behind a toggle).
  const compactLanes = canMaximize && !maximized;
  const editorRef = useRef<StanzaEditorHandle>(null);
  const { history, remember } = useSendHistory(paneId);
  const meta = { ...(view.jid ? { jid: view.jid } : {}), ...(view.target ? { target: view.target } : {}), ...(view.mode ? { mode: view.mode } : {}) };
  const storageNotice = usePersistedTranscript(view.sessionId, meta, acknowledge);
  useRegisterPaneCapture(paneId, () => ({ meta: { id: paneId, ...meta }, entries: store.all(), secrets: view.revealed ? (view.secrets ?? undefined) : undefined }));
  // A stanza sent here by "Load into editor" on /captures goes to the first pane's editor.
  // Taken in a callback, not the effect's body: a second run of the effect (StrictMode) must not find it gone.
  useEffect(() => {
    if (paneId !== "a") return;
    const frame = requestAnimationFrame(() => {
      const handed = takeHandOff();
      if (handed !== null) setDraft(handed);
    });
    return () => cancelAnimationFrame(frame);
  }, [paneId]);
  // A stanza from a link (#stanza=...) waits in the first pane's editor, unsent.
  const linked = useLinkedText("stanza", setDraft, paneId === "a");
  const online = view.status === "online";
  const me = view.jid ?? "";
  const myBare = me.split("/")[0] ?? "";
  // {{peer}}: the other demo account, so a template reaches someone who can answer.
  const peerAccount = accounts.find((account) => `${account.username}@${domain}` !== myBare) ?? accounts[0];
  const peer = peerAccount ? `${peerAccount.username}@${domain}` : "";

  // Kept across renders: the lanes are memoised and re-render only when these change.
  const setFiltersOpen = useCallback((filters: boolean) => onLayoutChange({ filters }), [onLayoutChange]);
  const revealSecrets = useCallback((reveal: boolean) => void toggleSecrets(reveal), [toggleSecrets]);

  /** `typed` goes to the history as written ({{id}}, {{peer}}): a resend gets a fresh id and today's JIDs. */
  async function sendText(text: string, typed: string) {
    setSendError(null);
    try {
      await send(text);
      remember(typed);
    } catch (error) {
      setSendError(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <section
      className={`account-pane ${layout.explanation ? "with-explanation" : ""}`}
      aria-label={label}
      data-testid={`pane-${paneId}`}
      hidden={hidden}
      style={{ "--side-width": `${layout.sideWidth}%` } as React.CSSProperties}
    >
      <div className="workbench-side">
        <ConnectForm storageKey={`xmpp-playground:connection:${paneId}`} accounts={accounts} domain={domain} suggested={suggested} view={view} onConnect={connect} onDisconnect={disconnect} />
        <div className="editor-panel">
          <div className="panel-title">
            <h2>Stanza</h2>
          </div>
          <PanelBoundary name="The stanza editor">
          <StanzaEditor
            ref={editorRef}
            value={draft}
            onChange={setDraft}
            onSubmit={(text, { typed }) => void sendText(text, typed)}
            mode={view.mode === "raw" ? "raw" : "guided"}
            {...(view.transport === null ? {} : { transport: view.transport })}
            variables={{ me, domain, peer }}
            history={history}
            {...(view.maxSendChars === null ? {} : { maxSendChars: view.maxSendChars })}
          />
          </PanelBoundary>
          <div className="editor-actions">
            <button type="button" className="button primary" onClick={() => editorRef.current?.send()} disabled={!online}>
              Send
            </button>
            <ShareLink kind="stanza" text={() => draft} testId="stanza-link" />
            {!online && <span className="hint">Connect to send.</span>}
            {linked.opened && (
              <p className="hint" role="status" data-testid="stanza-opened-from">
                Opened from a link: this stanza has not been sent. Send sends it {online && view.target ? `on this session, to ${view.target}` : "once this pane is connected, to the server the form above names"}.
              </p>
            )}
            {linked.problem && (
              <p className="error-text" role="alert">
                {linked.problem}
              </p>
            )}
            {sendError && (
              <span role="alert" className="error-text">
                {sendError}
              </span>
            )}
          </div>
        </div>
      </div>
      <PaneSplitter value={layout.sideWidth} onChange={(sideWidth) => onLayoutChange({ sideWidth })} />
      <div className="lanes-column">
        <div className="lanes-actions">
          <PaneExportMenu store={store} meta={meta} secrets={view.revealed ? view.secrets : null} />
          <RecordScript store={store} jid={view.jid} selectedSeq={selectedSeq} />
          {storageNotice && !noticeDismissed && <StorageFullNotice message={storageNotice} manageHref="/captures" onDismiss={() => setNoticeDismissed(true)} />}
          <span className="lanes-actions-end">
            <button type="button" className="button small" aria-pressed={layout.explanation} onClick={() => onLayoutChange({ explanation: !layout.explanation })}>
              Explanation
            </button>
            {canMaximize && (
              <button type="button" className="button small" aria-pressed={maximized} onClick={() => onLayoutChange({ maximized: maximized ? null : paneId })}>
                {maximized ? "Show both accounts" : "Maximize"}
              </button>
            )}
          </span>
        </div>
        <SequencePanel className="lanes-sequence" defaultOpen={false} store={store} account={view.jid} domain={domain} peer={peer} selectedSeq={selectedSeq} onSelect={setSelectedSeq} />
        <div className="lanes-main">
        <PanelBoundary name="The stream lanes">
        <StreamLanes
          compact={compactLanes}
          dense={compactLanes}
          filtersOpen={layout.filters}
          onFiltersOpenChange={setFiltersOpen}
          store={store}
          revealed={view.revealed}
          secrets={view.secrets}
          onToggleSecrets={revealSecrets}
          onLoadIntoEditor={setDraft}
          selectedSeq={selectedSeq}
          onSelect={setSelectedSeq}
        />
        </PanelBoundary>
        {/* Beside the lanes: the entry and what it means are read together. */}
        {layout.explanation && (
          <PanelBoundary name="The explanation" resetKey={selectedSeq}>
            <ExplanationPanel entry={selectedSeq === null ? null : (store.bySeq(selectedSeq) ?? null)} />
          </PanelBoundary>
        )}
        </div>
      </div>
    </section>
  );
}

/**
 * The pane's Export menu. It renders with the store, as the lanes do, since its label counts
 * the entries; the pane itself renders only when the store's shape changes.
 */
function PaneExportMenu({ store, meta, secrets }: { store: TranscriptStore; meta: TranscriptMeta; secrets: Map<number, string> | null }) {
  useTranscriptStore(store);
  return <ExportMenu entries={() => store.all()} count={store.totalSize} meta={meta} secrets={secrets} />;
}
