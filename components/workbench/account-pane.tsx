"use client";

import { useState } from "react";
import { StanzaEditor } from "@/components/editor/stanza-editor";
import { StreamLanes } from "@/components/stream/stream-lanes";
import { ConnectForm } from "./connect-form";
import { useXmppSession } from "./use-xmpp-session";
import type { DemoAccount } from "@/lib/demo-accounts";

const STARTER_STANZA = `<message to="bob@localhost" type="chat">
  <body>Hello from the playground!</body>
</message>`;

interface AccountPaneProps {
  paneId: string;
  label: string;
  accounts: readonly DemoAccount[];
  domain: string;
  suggested: number;
}

/** One account: its connection, its editor and its own pair of lanes. */
export function AccountPane({ paneId, label, accounts, domain, suggested }: AccountPaneProps) {
  const { view, connect, send, disconnect, toggleSecrets } = useXmppSession(paneId);
  const [draft, setDraft] = useState(STARTER_STANZA);
  const [sendError, setSendError] = useState<string | null>(null);
  const online = view.status === "online";

  async function sendText(text: string) {
    setSendError(null);
    try {
      await send(text);
    } catch (error) {
      setSendError(error instanceof Error ? error.message : String(error));
    }
  }

  return (
    <section className="account-pane" aria-label={label} data-testid={`pane-${paneId}`}>
      <div className="workbench-side">
        <ConnectForm accounts={accounts} domain={domain} suggested={suggested} view={view} onConnect={connect} onDisconnect={disconnect} />
        <div className="editor-panel">
          <div className="panel-title">
            <h2>Stanza</h2>
            <span className="hint">Ctrl+Enter sends exactly what you typed</span>
          </div>
          <StanzaEditor value={draft} onChange={setDraft} onSubmit={(text) => void sendText(text)} />
          <div className="editor-actions">
            <button type="button" className="button primary" onClick={() => void sendText(draft)} disabled={!online}>
              Send
            </button>
            {!online && <span className="hint">Connect to send.</span>}
            {sendError && (
              <span role="alert" className="error-text">
                {sendError}
              </span>
            )}
          </div>
        </div>
      </div>
      <StreamLanes entries={view.entries} revealed={view.revealed} secrets={view.secrets} onToggleSecrets={(reveal) => void toggleSecrets(reveal)} />
    </section>
  );
}
