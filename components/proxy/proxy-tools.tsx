"use client";

import { useState, type FormEvent } from "react";
import type { HeldStanza, InterceptFilter, ProxyDirection } from "@/lib/proxy/intercept";
import styles from "./proxy.module.css";

const NO_FILTER: InterceptFilter = { toServer: true, toClient: false, kind: "", jid: "", namespace: "", text: "" };

/** Which stanzas the proxy holds: mitmproxy's intercept, for XMPP stanzas. */
export function InterceptForm({ active, onApply }: { active: InterceptFilter | null; onApply(filter: InterceptFilter | null): Promise<void> }) {
  const [filter, setFilter] = useState<InterceptFilter>(active ?? NO_FILTER);
  const [error, setError] = useState<string | null>(null);
  const change = (part: Partial<InterceptFilter>) => setFilter((current) => ({ ...current, ...part }));

  async function apply(next: InterceptFilter | null) {
    setError(null);
    try {
      await onApply(next);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!filter.toServer && !filter.toClient) {
      setError("Choose a direction to hold: toward the server, toward the client, or both.");
      return;
    }
    void apply(filter);
  }

  return (
    <form className="connect-form" onSubmit={submit} aria-label="Intercept">
      <div className="panel-title">
        <h2>Intercept</h2>
        <span className="hint" data-testid="intercept-state">
          {active ? "holding matching stanzas" : "off"}
        </span>
      </div>
      <div className="row">
        <label className="checkbox">
          <input type="checkbox" checked={filter.toServer} onChange={(event) => change({ toServer: event.target.checked })} />
          Toward the server
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={filter.toClient} onChange={(event) => change({ toClient: event.target.checked })} />
          Toward the client
        </label>
      </div>
      <div className="row">
        <label>
          Kind
          <select value={filter.kind} onChange={(event) => change({ kind: event.target.value })}>
            <option value="">any</option>
            <option value="message">message</option>
            <option value="presence">presence</option>
            <option value="iq">iq</option>
          </select>
        </label>
        <label>
          JID contains
          <input value={filter.jid} onChange={(event) => change({ jid: event.target.value })} autoComplete="off" />
        </label>
      </div>
      <div className="row">
        <label>
          Namespace
          <input value={filter.namespace} onChange={(event) => change({ namespace: event.target.value })} placeholder="urn:xmpp:ping" autoComplete="off" />
        </label>
        <label>
          Text contains
          <input value={filter.text} onChange={(event) => change({ text: event.target.value })} autoComplete="off" />
        </label>
      </div>
      <div className="row">
        <button type="submit" className="button small">
          {active ? "Update filter" : "Hold matching stanzas"}
        </button>
        {active && (
          <button type="button" className="button small" onClick={() => void apply(null)}>
            Stop holding
          </button>
        )}
      </div>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </form>
  );
}

/** The stanzas one connection holds: each can be edited, then forwarded, or dropped. */
export function HeldStanzas({ held, onRelease }: { held: readonly HeldStanza[]; onRelease(id: number, action: "forward" | "drop", xml?: string): Promise<void> }) {
  if (held.length === 0) return null;
  return (
    <section className="connect-form" aria-label="Held stanzas">
      <div className="panel-title">
        <h2>Held ({held.length})</h2>
      </div>
      {held.map((stanza) => (
        <HeldItem key={stanza.id} stanza={stanza} onRelease={onRelease} />
      ))}
    </section>
  );
}

function HeldItem({ stanza, onRelease }: { stanza: HeldStanza; onRelease(id: number, action: "forward" | "drop", xml?: string): Promise<void> }) {
  const [text, setText] = useState(stanza.raw);
  const [error, setError] = useState<string | null>(null);
  const act = (action: "forward" | "drop") => {
    setError(null);
    onRelease(stanza.id, action, action === "forward" && text !== stanza.raw ? text : undefined).catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  };
  const toward = stanza.direction === "to-server" ? "toward the server" : "toward the client";
  return (
    <div className={styles.held} data-testid="held-stanza">
      <span className="hint">
        #{stanza.id} {stanza.kind} {toward}
      </span>
      <textarea className={styles.xml} aria-label={`Held stanza ${stanza.id}`} value={text} onChange={(event) => setText(event.target.value)} rows={4} spellCheck={false} />
      <div className="row">
        <button type="button" className="button small primary" onClick={() => act("forward")}>
          {text === stanza.raw ? "Forward" : "Forward edited"}
        </button>
        <button type="button" className="button small" onClick={() => act("drop")}>
          Drop
        </button>
      </div>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}

const INJECT_STARTER = `<message type="headline">
  <body>Injected by the playground</body>
</message>`;

/** A stanza into either direction, as if the other end had sent it. */
export function InjectForm({ disabled, draft, onDraft, onInject }: { disabled: boolean; draft: string | null; onDraft(text: string): void; onInject(direction: ProxyDirection, xml: string): Promise<void> }) {
  const [direction, setDirection] = useState<ProxyDirection>("to-client");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const text = draft ?? INJECT_STARTER;

  function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(null);
    onInject(direction, text).then(
      () => setDone(direction === "to-server" ? "Sent to the server as if the client wrote it." : "Sent to the client as if the server wrote it."),
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
  }

  return (
    <form className="connect-form" onSubmit={submit} aria-label="Inject">
      <div className="panel-title">
        <h2>Inject</h2>
      </div>
      <div className="row">
        <label className="checkbox">
          <input type="radio" name="inject-direction" checked={direction === "to-client"} onChange={() => setDirection("to-client")} />
          To the client (as the server)
        </label>
        <label className="checkbox">
          <input type="radio" name="inject-direction" checked={direction === "to-server"} onChange={() => setDirection("to-server")} />
          To the server (as the client)
        </label>
      </div>
      <textarea className={styles.xml} aria-label="Stanza to inject" value={text} onChange={(event) => onDraft(event.target.value)} rows={5} spellCheck={false} />
      <button type="submit" className="button primary" disabled={disabled}>
        Inject
      </button>
      {done && <p className="hint">{done}</p>}
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </form>
  );
}
