import { describe, expect, it } from "vitest";
import { NS_SASL } from "../xml/namespaces";
import type { TranscriptEntry } from "../xmpp/entry";
import { scramExchangeFrom } from "./scram-exchange";

// RFC 5802 §5: user "user", password "pencil", SCRAM-SHA-1.
const CLIENT_FIRST = "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL";
const SERVER_FIRST = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const CLIENT_FINAL = "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
const b64 = (text: string) => Buffer.from(text).toString("base64");

function entry(seq: number, dir: "in" | "out", name: string, raw: string): TranscriptEntry {
  return { seq, dir, name, ns: NS_SASL, attrs: {}, raw, redacted: true, kind: "sasl", at: 0, wall: 0 };
}

/** The wire as the transcript keeps it: payloads masked, the unmasked text in `secrets`. */
function wire(mechanism: string, clientFirst: string, serverFirst: string) {
  const auth = `<auth xmlns="${NS_SASL}" mechanism="${mechanism}">${b64(clientFirst)}</auth>`;
  const challenge = `<challenge xmlns="${NS_SASL}">${b64(serverFirst)}</challenge>`;
  const entries = [entry(1, "out", "auth", `<auth xmlns="${NS_SASL}" mechanism="${mechanism}">●●●</auth>`), entry(2, "in", "challenge", `<challenge xmlns="${NS_SASL}">●●●</challenge>`)];
  return { entries, secrets: new Map([[1, auth], [2, challenge]]) };
}

describe("scramExchangeFrom", () => {
  it("derives RFC 5802 §5's client-final-message and server signature from the unmasked wire", async () => {
    const { entries, secrets } = wire("SCRAM-SHA-1", CLIENT_FIRST, SERVER_FIRST);
    const result = await scramExchangeFrom(entries, secrets, "pencil");
    if (!result.ok) throw new Error(result.reason);
    expect(result.exchange.hash).toBe("SHA-1");
    expect(result.exchange.clientNonce).toBe("fyko+d2lbbFgONRv9qkxdawL");
    expect(result.exchange.steps.clientFinal).toBe(CLIENT_FINAL);
    expect(result.exchange.steps.serverFinal).toBe("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    expect(result.exchange.response).toBe(`<response xmlns="${NS_SASL}">${b64(CLIENT_FINAL)}</response>`);
  });

  it("picks SHA-256 for SCRAM-SHA-256 (RFC 7677 §3)", async () => {
    const { entries, secrets } = wire("SCRAM-SHA-256", "n,,n=user,r=rOprNGfwEbeRWgbNEkqO", "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    const result = await scramExchangeFrom(entries, secrets, "pencil");
    if (!result.ok) throw new Error(result.reason);
    expect(result.exchange.steps.clientFinal).toBe("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  });

  it("says what is missing: no SCRAM auth, no challenge yet, a foreign nonce", async () => {
    const none = await scramExchangeFrom([], new Map(), "pencil");
    expect(none).toEqual({ ok: false, reason: expect.stringContaining("<auth>") });
    const { entries, secrets } = wire("SCRAM-SHA-1", CLIENT_FIRST, SERVER_FIRST);
    expect(await scramExchangeFrom(entries.slice(0, 1), secrets, "pencil")).toEqual({ ok: false, reason: expect.stringContaining("<challenge>") });
    const foreign = wire("SCRAM-SHA-1", CLIENT_FIRST, "r=someoneelse,s=QSXCR+Q6sek8bf92,i=4096");
    expect(await scramExchangeFrom(foreign.entries, foreign.secrets, "pencil")).toEqual({ ok: false, reason: expect.stringContaining("nonce") });
  });
});
