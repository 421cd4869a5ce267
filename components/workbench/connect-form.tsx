"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { TRANSPORTS, type AccountChoice, type OpenRequest, type SaslMechanism, type OpenMode, type Transport } from "@/lib/bridge/protocol";
import type { DemoAccount } from "@/lib/demo-accounts";
import { parseWebSocketField } from "@/lib/xmpp/websocket-target";
import { parseConnectionPrefs, serializeConnectionPrefs, type ConnectionPrefs } from "@/lib/persistence/workbench-prefs";
import { readStored, writeStored } from "./use-workbench-prefs";
import type { SessionView } from "./use-xmpp-session";

interface ConnectFormProps {
  accounts: readonly DemoAccount[];
  domain: string;
  /** Which demo account this pane suggests first. */
  suggested: number;
  view: SessionView;
  onConnect(request: Omit<OpenRequest, "op" | "ref">): void;
  onDisconnect(): void;
  /** Where the form is remembered across reloads (never its password). */
  storageKey: string;
}

const STATUS_TEXT = { idle: "Not connected", connecting: "Connecting…", online: "Online", closed: "Closed" } as const;

export function ConnectForm({ accounts, domain, suggested, view, onConnect, onDisconnect, storageKey }: ConnectFormProps) {
  const first = accounts[suggested] ?? accounts[0];
  const [jid, setJid] = useState(first ? `${first.username}@${domain}` : "");
  const [password, setPassword] = useState(first?.password ?? "");
  const [mode, setMode] = useState<OpenMode>("guided");
  const [transport, setTransport] = useState<Transport>("plain");
  // PLAIN is the fast default for the bundled server; SCRAM costs ~400 ms of CPU per login.
  const [mechanism, setMechanism] = useState<SaslMechanism>("PLAIN");
  const [initialPresence, setInitialPresence] = useState(true);
  const [otherServer, setOtherServer] = useState(false);
  const [host, setHost] = useState("");
  const [port, setPort] = useState("5222");
  // Blank: the bundled server's /ws. Prosody serves /xmpp-websocket; a full ws:// or wss:// URL also works.
  const [websocketField, setWebsocketField] = useState("");
  const [formError, setFormError] = useState<string | null>(null);
  const busy = view.status === "connecting" || view.status === "online";

  // Remembered: everything but the password. A demo account's password is public and comes
  // from the list; any other has to be typed again after a reload.
  const remembered: ConnectionPrefs = { jid, mode, transport, mechanism, initialPresence, otherServer, host, port, websocketField };
  const restored = useRef(false);
  function restore(saved: Partial<ConnectionPrefs>) {
    if (saved.jid !== undefined && saved.jid !== jid) {
      setJid(saved.jid);
      setPassword(accounts.find((account) => `${account.username}@${domain}` === saved.jid)?.password ?? "");
    }
    if (saved.mode !== undefined) setMode(saved.mode);
    if (saved.transport !== undefined) setTransport(saved.transport);
    if (saved.mechanism !== undefined) setMechanism(saved.mechanism);
    if (saved.initialPresence !== undefined) setInitialPresence(saved.initialPresence);
    if (saved.otherServer !== undefined) setOtherServer(saved.otherServer);
    if (saved.host !== undefined) setHost(saved.host);
    if (saved.port !== undefined) setPort(saved.port);
    if (saved.websocketField !== undefined) setWebsocketField(saved.websocketField);
  }
  useEffect(() => {
    restored.current = true;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- localStorage exists only after hydration
    restore(parseConnectionPrefs(readStored(storageKey)));
    // Once, after hydration: the server rendered the defaults, and localStorage exists only here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [storageKey]);
  const serialized = serializeConnectionPrefs(remembered);
  useEffect(() => {
    if (restored.current) writeStored(storageKey, serialized);
  }, [storageKey, serialized]);

  function pickAccount(username: string) {
    const account = accounts.find((candidate) => candidate.username === username);
    if (account === undefined) return;
    setJid(`${account.username}@${domain}`);
    setPassword(account.password);
  }

  function otherServerTarget(): OpenRequest["server"] | { error: string } {
    const typed = { host: host.trim(), port: Number(port) };
    if (transport !== "websocket") return typed;
    const target = parseWebSocketField(websocketField, { ...typed, defaultPath: "/ws" });
    if ("error" in target) return target;
    return { host: target.host, port: target.port, path: target.path, tls: target.tls };
  }

  function connectWith(account: AccountChoice) {
    const server = otherServer ? otherServerTarget() : undefined;
    if (server !== undefined && "error" in server) {
      setFormError(server.error);
      return;
    }
    setFormError(null);
    onConnect({ mode, account, transport, mechanism, initialPresence, ...(server ? { server } : {}) });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    connectWith({ kind: "existing", jid, password });
  }

  return (
    <form className="connect-form" onSubmit={submit} aria-label="Connection">
      <div className="panel-title">
        <h2>Connection</h2>
        {view.link === "down" && <span className="hint">reconnecting to the bridge…</span>}
      </div>
      <p className={`status status-${view.status}`} data-testid="connection-status" role="status" title={view.jid ?? undefined}>
        {view.restoring ? "Restoring this session from the browser's storage…" : STATUS_TEXT[view.status]}
        {view.status === "online" && view.jid ? ` as ${view.jid}` : ""}
        {view.status === "online" && !view.jid && view.mode === "raw" ? " (raw socket: open the stream yourself)" : ""}
      </p>
      {view.account && (
        <p className="hint" data-testid="fresh-account">
          Disposable account <code>{view.account.jid}</code>, password <code>{view.account.password}</code>; removed when this session ends.
        </p>
      )}
      {busy ? (
        <p className="hint connection-summary">{view.target}</p>
      ) : (
        <>
          <div className="demo-accounts" role="group" aria-label="Accounts">
            {accounts.map((account) => (
              <button key={account.username} type="button" className="button small" onClick={() => pickAccount(account.username)}>
                {account.username}
              </button>
            ))}
            <button
              type="button"
              className="button small"
              onClick={() => connectWith({ kind: "fresh" })}
              disabled={otherServer}
              title="Register a disposable account on the bundled server (XEP-0077); it is removed when the session ends"
            >
              Fresh account
            </button>
          </div>
          <label>
            JID
            <input name="jid" value={jid} onChange={(event) => setJid(event.target.value)} autoComplete="username" />
          </label>
          <label>
            Password
            <input name="password" type="password" value={password} onChange={(event) => setPassword(event.target.value)} autoComplete="current-password" />
          </label>
          <div className="row">
            <label>
              Mode
              <select value={mode} onChange={(event) => setMode(event.target.value as OpenMode)}>
                <option value="guided">Guided (login done for you)</option>
                <option value="raw">Raw (you type the whole stream)</option>
              </select>
            </label>
            <label>
              Transport
              <select value={transport} onChange={(event) => setTransport(event.target.value as Transport)}>
                {TRANSPORTS.filter((option) => mode === "guided" || option.id !== "websocket").map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {mode === "guided" && (
            <div className="row">
              <label>
                SASL
                <select value={mechanism} onChange={(event) => setMechanism(event.target.value as SaslMechanism)}>
                  <option value="PLAIN">PLAIN</option>
                  <option value="SCRAM-SHA-1">SCRAM-SHA-1</option>
                </select>
              </label>
              <label className="checkbox">
                <input type="checkbox" checked={initialPresence} onChange={(event) => setInitialPresence(event.target.checked)} />
                Initial presence (to receive chat)
              </label>
            </div>
          )}
          <label className="checkbox">
            <input type="checkbox" checked={otherServer} onChange={(event) => setOtherServer(event.target.checked)} />
            Another server than the bundled one
          </label>
          {otherServer && (
            <div className="row">
              <label>
                Host
                <input name="host" value={host} onChange={(event) => setHost(event.target.value)} placeholder="xmpp.example.org" />
              </label>
              <label className="narrow">
                Port
                <input name="port" inputMode="numeric" value={port} onChange={(event) => setPort(event.target.value)} />
              </label>
            </div>
          )}
          {otherServer && transport === "websocket" && (
            <label>
              WebSocket path or URL
              <input
                name="websocket"
                value={websocketField}
                onChange={(event) => setWebsocketField(event.target.value)}
                placeholder="/ws, /xmpp-websocket or wss://xmpp.example.org/xmpp-websocket"
                title="A path uses the host and port above over ws://; a full ws:// or wss:// URL gives host, port and path itself (wss:// is TLS or a refusal)"
              />
            </label>
          )}
          {formError && (
            <p role="alert" className="error-text" data-testid="connect-form-error">
              {formError}
            </p>
          )}
        </>
      )}
      <div className="editor-actions">
        {busy ? (
          <button type="button" className="button" onClick={onDisconnect} disabled={view.restoring}>
            Disconnect
          </button>
        ) : (
          <button type="submit" className="button primary">
            Connect
          </button>
        )}
      </div>
      {view.notice && (
        <p role="status" className="hint" data-testid="session-notice">
          {view.notice}
        </p>
      )}
      {view.status === "closed" && view.message && (
        <p role="alert" className="error-text">
          {view.message}
        </p>
      )}
    </form>
  );
}
