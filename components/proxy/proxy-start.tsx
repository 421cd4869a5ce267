"use client";

import { useState, type FormEvent } from "react";
import type { ProxyInfo, ProxyStartRequest, ProxyTls } from "@/lib/bridge/protocol-proxy";
import styles from "./proxy.module.css";

const TLS_CHOICES: readonly { id: ProxyTls; label: string }[] = [
  { id: "starttls", label: "STARTTLS" },
  { id: "tls", label: "Direct TLS" },
  { id: "plain", label: "Plain TCP" },
];

/** How one side of the proxy speaks: STARTTLS, direct TLS or plain TCP. */
function TlsChoice({ label, value, onChange }: { label: string; value: ProxyTls; onChange(value: ProxyTls): void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(event) => onChange(event.target.value as ProxyTls)}>
        {TLS_CHOICES.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Where the proxy forwards to, and how each side is spoken to. */
export function ProxyStartForm({ busy, onStart }: { busy: boolean; onStart(request: Omit<ProxyStartRequest, "op" | "ref">): void }) {
  const [host, setHost] = useState("127.0.0.1");
  const [port, setPort] = useState("5222");
  const [transport, setTransport] = useState<ProxyTls>("starttls");
  const [clientSide, setClientSide] = useState<ProxyTls>("starttls");
  const [error, setError] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const number = Number(port);
    if (host.trim() === "" || !Number.isInteger(number) || number < 1 || number > 65535) {
      setError("Give the server's host and a port from 1 to 65535, for example 127.0.0.1 and 5222.");
      return;
    }
    setError(null);
    onStart({ upstream: { host: host.trim(), port: number }, transport, clientSide });
  }

  return (
    <form className="connect-form" onSubmit={submit} aria-label="Start a proxy">
      <div className="panel-title">
        <h2>Proxy</h2>
      </div>
      <p className="hint">Put the playground between a real client and its server: every byte each way shows in the lanes.</p>
      <div className="row">
        <label>
          Server host
          <input value={host} onChange={(event) => setHost(event.target.value)} autoComplete="off" />
        </label>
        <label className="narrow">
          Port
          <input value={port} onChange={(event) => setPort(event.target.value)} inputMode="numeric" />
        </label>
      </div>
      <div className="row">
        <TlsChoice label="The server expects" value={transport} onChange={setTransport} />
        <TlsChoice label="Clients speak" value={clientSide} onChange={setClientSide} />
      </div>
      <button type="submit" className="button primary" disabled={busy}>
        {busy ? "Starting…" : "Start proxy"}
      </button>
      {error && (
        <p role="alert" className="error-text">
          {error}
        </p>
      )}
    </form>
  );
}

/** Where to point a client, and how to make it trust the proxy's certificate. */
export function ProxyDetails({ info, onStop }: { info: ProxyInfo; onStop(): void }) {
  // A certificate is public and about 1 KB: a data URL needs no cleanup.
  const certificateUrl = `data:application/x-pem-file;charset=utf-8,${encodeURIComponent(info.certificate)}`;
  const file = `proxy-${info.domain}.crt.pem`;
  return (
    <section className="connect-form" aria-label="Running proxy" data-testid="proxy-details">
      <div className="panel-title">
        <h2>Proxy running</h2>
        <button type="button" className="button small" onClick={onStop}>
          Stop proxy
        </button>
      </div>
      <p className={styles.address}>
        Point a client at <code data-testid="proxy-address">{info.address}</code> (domain <code>{info.domain}</code>); it reaches{" "}
        <code>{info.upstream}</code> over {info.transport === "tls" ? "direct TLS" : info.transport === "plain" ? "plain TCP" : "STARTTLS"}.
      </p>
      {info.clientSide !== "plain" && (
        <div className={styles.trust}>
          <p>
            The proxy presents its own certificate, SHA-256 fingerprint:
            <code className={styles.fingerprint} data-testid="proxy-fingerprint">
              {info.fingerprint}
            </code>
          </p>
          <p className="hint">
            Trust it in the client:{" "}
            <a href={certificateUrl} download={file}>
              download the certificate
            </a>{" "}
            and give it as the CA file (slixmpp <code>ca_certs</code>, Node <code>NODE_EXTRA_CA_CERTS</code>, Go <code>SSL_CERT_FILE</code>), or accept this fingerprint when the client asks.
            TLS ends here, so SCRAM <code>-PLUS</code> channel binding is removed from the server&apos;s features (the lanes say so).
          </p>
        </div>
      )}
    </section>
  );
}
