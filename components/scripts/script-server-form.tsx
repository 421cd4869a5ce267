"use client";

import styles from "./scripts.module.css";
import type { ScriptServer, ScriptTransport } from "./script-server";
import { describeServer } from "./script-server";

const TRANSPORTS: { id: ScriptTransport; label: string }[] = [
  { id: "starttls", label: "TCP with STARTTLS" },
  { id: "tls", label: "Direct TLS" },
  { id: "plain", label: "Plain TCP (loopback only)" },
];

/** Where the script runs, said before it runs: a linked script must not reach a server unseen. */
export function ScriptServerForm({ server, onChange, accounts, bundledDomain, disabled }: { server: ScriptServer; onChange(server: ScriptServer): void; accounts: readonly string[]; bundledDomain: string; disabled: boolean }) {
  const other = server.kind === "other" ? server : null;
  const toOther = (): ScriptServer => other ?? { kind: "other", host: "", port: 5222, transport: server.transport, accounts: {} };
  return (
    <fieldset className={styles.server} disabled={disabled}>
      <legend>Server</legend>
      <div className="row">
        <label className="checkbox">
          <input type="radio" name="script-server" checked={server.kind === "bundled"} onChange={() => onChange({ kind: "bundled", transport: server.transport === "tls" ? "starttls" : server.transport })} />
          Bundled server, fresh accounts
        </label>
        <label className="checkbox">
          <input type="radio" name="script-server" checked={other !== null} onChange={() => onChange(toOther())} />
          Another server
        </label>
        <label>
          Transport
          <select value={server.transport} onChange={(event) => onChange({ ...server, transport: event.target.value as ScriptTransport })}>
            {TRANSPORTS.filter((transport) => other !== null || transport.id !== "tls").map((transport) => (
              <option key={transport.id} value={transport.id}>
                {transport.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {other && (
        <>
          <div className="row">
            <label>
              Host
              <input value={other.host} onChange={(event) => onChange({ ...other, host: event.target.value })} placeholder="xmpp.example.org" />
            </label>
            <label>
              Port
              <input inputMode="numeric" value={Number.isNaN(other.port) ? "" : String(other.port)} onChange={(event) => onChange({ ...other, port: Number.parseInt(event.target.value, 10) })} />
            </label>
          </div>
          {accounts.map((name) => (
            <div className="row" key={name}>
              <label>
                {`${name}'s JID`}
                <input value={other.accounts[name]?.jid ?? ""} autoComplete="off" onChange={(event) => onChange({ ...other, accounts: { ...other.accounts, [name]: { jid: event.target.value, password: other.accounts[name]?.password ?? "" } } })} />
              </label>
              <label>
                {`${name}'s password`}
                <input type="password" autoComplete="off" value={other.accounts[name]?.password ?? ""} onChange={(event) => onChange({ ...other, accounts: { ...other.accounts, [name]: { jid: other.accounts[name]?.jid ?? "", password: event.target.value } } })} />
              </label>
            </div>
          ))}
        </>
      )}
      <p className="hint" data-testid="script-target">
        Runs against {describeServer(server, bundledDomain)}. The bridge admits only servers on its allowlist.
      </p>
    </fieldset>
  );
}
