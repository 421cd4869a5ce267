"use client";

import { useEffect, useState } from "react";
import { scramExchangeFrom, type ScramExchangeResult } from "@/lib/lessons/scram-exchange";
import { NS_SASL } from "@/lib/xml/namespaces";
import type { TranscriptStore } from "@/lib/transcript/transcript-store";
import styles from "./scram-calculator.module.css";

/**
 * The SCRAM lesson's calculator (loaded lazily beside the editor): every value of RFC 5802 §3
 * from this session's <auth> and <challenge>, and the server's signature from <success/>
 * compared with the one computed here (§5: a client must check it).
 */
export interface ScramCalculatorProps {
  store: TranscriptStore;
  password: string;
  /** The unmasked SASL payloads, by seq (the transcript masks them). */
  reveal(): Promise<Map<number, string>>;
  onWrite(text: string): void;
}

interface Shown {
  result: ScramExchangeResult;
  /** The v= the server sent in <success/> after this exchange, decoded. */
  serverFinal?: string;
}

export function ScramCalculator({ store, password, reveal, onWrite }: ScramCalculatorProps) {
  const [shown, setShown] = useState<Shown | null>(null);
  useEffect(() => {
    let cancelled = false;
    let lastSeen = -1;
    const recompute = async () => {
      if (store.lastSeq === lastSeen) return;
      lastSeen = store.lastSeq;
      const entries = store.all();
      const secrets = await reveal();
      const result = await scramExchangeFrom(entries, secrets, password);
      const success = entries.findLast((entry) => entry.dir === "in" && entry.name === "success" && entry.ns === NS_SASL);
      const next: Shown = { result };
      if (success !== undefined) next.serverFinal = decode(/>([^<]*)</.exec(secrets.get(success.seq) ?? "")?.[1] ?? "");
      if (!cancelled) setShown(next);
    };
    void recompute();
    const unsubscribe = store.subscribe(() => void recompute());
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [store, password, reveal]);

  return (
    <section className={styles.calculator} aria-label="SCRAM calculator" data-testid="scram-calculator">
      <h2>SCRAM calculator (RFC 5802 §3)</h2>
      {shown === null && <p data-testid="scram-waiting">Reading the transcript…</p>}
      {shown !== null && !shown.result.ok && <p data-testid="scram-waiting">{shown.result.reason}</p>}
      {shown !== null && shown.result.ok && <Derivations exchange={shown.result.exchange} serverFinal={shown.serverFinal} onWrite={onWrite} />}
    </section>
  );
}

function Derivations({ exchange, serverFinal, onWrite }: { exchange: Extract<ScramExchangeResult, { ok: true }>["exchange"]; serverFinal: string | undefined; onWrite(text: string): void }) {
  const { steps } = exchange;
  const rows: [string, string, string][] = [
    ["client-first", exchange.clientFirst, "your <auth>, decoded from base64"],
    ["server-first", exchange.serverFirst, "the server's <challenge>, decoded: r= nonce, s= salt, i= iterations"],
    ["SaltedPassword", steps.saltedPassword, `Hi(password, salt, i): PBKDF2 with HMAC-${exchange.hash}`],
    ["ClientKey", steps.clientKey, 'HMAC(SaltedPassword, "Client Key")'],
    ["StoredKey", steps.storedKey, `${exchange.hash}(ClientKey)`],
    ["AuthMessage", steps.authMessage, "client-first-bare , server-first , client-final-without-proof"],
    ["ClientSignature", steps.clientSignature, "HMAC(StoredKey, AuthMessage)"],
    ["ClientProof", steps.clientProof, "ClientKey XOR ClientSignature"],
    ["ServerKey", steps.serverKey, 'HMAC(SaltedPassword, "Server Key")'],
    ["ServerSignature", steps.serverSignature, "HMAC(ServerKey, AuthMessage)"],
    ["client-final", steps.clientFinal, "c=biws (base64 of n,,), r= full nonce, p= ClientProof"],
  ];
  return (
    <>
      <dl className={styles.values}>
        {rows.map(([name, value, how]) => (
          <div key={name} style={{ display: "contents" }}>
            <dt>{name}</dt>
            <dd>
              {value}
              <span className={styles.how}>{how}</span>
            </dd>
          </div>
        ))}
      </dl>
      <p>
        <button type="button" className="button" onClick={() => onWrite(exchange.response)} data-testid="scram-write">
          Write the &lt;response&gt; into the editor
        </button>
      </p>
      {serverFinal !== undefined && (
        <p data-testid="scram-verdict" className={serverFinal === steps.serverFinal ? styles.match : styles.mismatch}>
          {serverFinal === steps.serverFinal
            ? `The server's <success/> says ${serverFinal}: the ServerSignature computed here. The server knows your salted password.`
            : `The server's <success/> says ${serverFinal || "nothing"}, not ${steps.serverFinal}: a client must not trust this server (RFC 5802 §5).`}
        </p>
      )}
    </>
  );
}

function decode(base64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(base64.trim()), (char) => char.charCodeAt(0)));
  } catch {
    return "";
  }
}
