"use client";

import { useState, type FormEvent } from "react";
import { TRANSPORTS, type OpenRequest, type SaslMechanism, type Transport } from "@/lib/bridge/protocol";
import type { DemoAccount } from "@/lib/demo-accounts";
import type { SessionView } from "./use-xmpp-session";

interface ConnectFormProps {
  accounts: readonly DemoAccount[];
  domain: string;
  view: SessionView;
  onConnect(request: Omit<OpenRequest, "op" | "ref">): void;
  onDisconnect(): void;
}

const STATUS_TEXT = { idle: "Not connected", connecting: "Connecting…", online: "Online", closed: "Closed" } as const;

export function ConnectForm({ accounts, domain, view, onConnect, onDisconnect }: ConnectFormProps) {
  const first = accounts[0];
  const [jid, setJid] = useState(first ? `${first.username}@${domain}` : "");
  const [password, setPassword] = useState(first?.password ?? "");
  const [transport, setTransport] = useState<Transport>("plain");
  // PLAIN is the fast default for the bundled server; SCRAM costs ~400 ms of CPU per login.
  const [mechanism, setMechanism] = useState<SaslMechanism>("PLAIN");
  const [initialPresence, setInitialPresence] = useState(true);
  const busy = view.status === "connecting" || view.status === "online";

  function pickAccount(username: string) {
    const account = accounts.find((candidate) => candidate.username === username);
    if (account === undefined) return;
    setJid(`${account.username}@${domain}`);
    setPassword(account.password);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    onConnect({ jid, password, transport, mechanism, initialPresence });
  }

  return (
    <form className="connect-form" onSubmit={submit} aria-label="Connection">
      <div className="panel-title">
        <h2>Connection</h2>
      </div>
      <p className={`status status-${view.status}`} data-testid="connection-status" role="status">
        {STATUS_TEXT[view.status]}
        {view.status === "online" && view.jid ? ` as ${view.jid}` : ""}
      </p>
      <div className="demo-accounts" role="group" aria-label="Demo accounts">
        {accounts.map((account) => (
          <button key={account.username} type="button" className="button small" onClick={() => pickAccount(account.username)} disabled={busy}>
            {account.username}
          </button>
        ))}
      </div>
      <label>
        JID
        <input name="jid" value={jid} onChange={(event) => setJid(event.target.value)} disabled={busy} autoComplete="username" />
      </label>
      <label>
        Password
        <input name="password" type="password" value={password} onChange={(event) => setPassword(event.target.value)} disabled={busy} autoComplete="current-password" />
      </label>
      <div className="row">
        <label>
          Transport
          <select value={transport} onChange={(event) => setTransport(event.target.value as Transport)} disabled={busy}>
            {TRANSPORTS.map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          SASL
          <select value={mechanism} onChange={(event) => setMechanism(event.target.value as SaslMechanism)} disabled={busy}>
            <option value="PLAIN">PLAIN</option>
            <option value="SCRAM-SHA-1">SCRAM-SHA-1</option>
          </select>
        </label>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={initialPresence} onChange={(event) => setInitialPresence(event.target.checked)} disabled={busy} />
        Send initial presence after login (needed to receive chat messages)
      </label>
      <div className="editor-actions">
        {busy ? (
          <button type="button" className="button" onClick={onDisconnect}>
            Disconnect
          </button>
        ) : (
          <button type="submit" className="button primary">
            Connect
          </button>
        )}
      </div>
      {view.status === "closed" && view.message && (
        <p role="alert" className="error-text">
          {view.message}
        </p>
      )}
    </form>
  );
}
