import { describe, expect, it } from "vitest";
import { DEFAULT_LAYOUT, parseConnectionPrefs, parseLayoutPrefs, serializeConnectionPrefs, serializeLayoutPrefs, type ConnectionPrefs } from "./workbench-prefs";

const FORM: ConnectionPrefs = {
  jid: "carol@example.org",
  mode: "guided",
  transport: "websocket",
  mechanism: "SCRAM-SHA-1",
  initialPresence: false,
  otherServer: true,
  host: "xmpp.example.org",
  port: "5443",
  websocketField: "/xmpp-websocket",
};

describe("the remembered connection form", () => {
  it("round-trips every field of the form", () => {
    expect(parseConnectionPrefs(serializeConnectionPrefs(FORM))).toEqual(FORM);
  });

  it("never stores a password, even one handed in with the form", () => {
    const withSecret = { ...FORM, password: "s3cret-Pa55", jid: "carol@example.org" } as ConnectionPrefs;
    const stored = serializeConnectionPrefs(withSecret);
    expect(stored).not.toContain("s3cret-Pa55");
    expect(stored).not.toContain("password");
    expect(Object.keys(JSON.parse(stored) as object).sort()).toEqual(Object.keys(FORM).sort());
  });

  it("drops fields that are not valid, keeping the others", () => {
    const stored = JSON.stringify({ ...FORM, transport: "carrier-pigeon", mode: 3, port: "x".repeat(5000), password: "p" });
    const read = parseConnectionPrefs(stored);
    expect(read).toEqual({ jid: FORM.jid, mechanism: FORM.mechanism, initialPresence: false, otherServer: true, host: FORM.host, websocketField: FORM.websocketField });
  });

  it("reads nothing from missing or broken storage", () => {
    expect(parseConnectionPrefs(null)).toEqual({});
    expect(parseConnectionPrefs("{not json")).toEqual({});
    expect(parseConnectionPrefs("[1,2]")).toEqual({});
  });
});

describe("the remembered layout", () => {
  it("round-trips, and falls back to the defaults field by field", () => {
    const layout = { twoAccounts: true, maximized: "b" as const, explanation: false, filters: false, sideWidth: 40 };
    expect(parseLayoutPrefs(serializeLayoutPrefs(layout))).toEqual(layout);
    expect(parseLayoutPrefs(JSON.stringify({ twoAccounts: true, maximized: "c", sideWidth: 95 }))).toEqual({ ...DEFAULT_LAYOUT, twoAccounts: true });
    expect(parseLayoutPrefs(null)).toEqual(DEFAULT_LAYOUT);
  });
});
