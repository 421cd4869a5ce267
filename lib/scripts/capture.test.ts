import { describe, expect, it } from "vitest";
import type { TranscriptEntry } from "../xmpp/entry";
import { accountValues, captureValue, expandSend } from "./capture";

const entry = (raw: string, seq = 7): TranscriptEntry => ({ seq, dir: "in", at: 0, wall: 0, raw, kind: "iq", name: "iq" });
const BIND = "<iq type='result' id='b1' from='localhost'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>alice@localhost/desk</jid></bind></iq>";

describe("captures", () => {
  it("reads an attribute of the top-level element, an attribute below it, and a path's text", () => {
    expect(captureValue({ name: "s", from: "x", attr: "from" }, entry(BIND))).toEqual({ value: "localhost" });
    expect(captureValue({ name: "j", from: "x", path: "bind/jid" }, entry(BIND))).toEqual({ value: "alice@localhost/desk" });
    const info = entry("<iq type='result'><query xmlns='http://jabber.org/protocol/disco#info'><identity category='server' type='im'/></query></iq>");
    expect(captureValue({ name: "t", from: "x", path: "query/identity", attr: "type" }, info)).toEqual({ value: "im" });
  });

  it("says why a value cannot be captured", () => {
    expect(captureValue({ name: "s", from: "x", attr: "to" }, entry(BIND))).toEqual({ problem: "<iq/> of entry #7 has no attribute to" });
    expect(captureValue({ name: "s", from: "x", path: "query" }, entry(BIND))).toEqual({ problem: "entry #7 has no <query/> below <iq/>" });
  });
});

describe("expansion", () => {
  it("fills accounts, the bound JID, the domain and captures, escapes values, and draws an id per {{id}}", () => {
    let next = 0;
    const values = { ...accountValues("alice", "alice@localhost/a&b", "localhost"), body: "1 < 2" };
    const text = expandSend("<message to='{{alice.full}}' id='{{id}}'><body>{{body}} {{alice}} {{id}}</body></message>", values, () => `i${++next}`);
    expect(text).toBe("<message to='alice@localhost/a&amp;b' id='i1'><body>1 &lt; 2 alice@localhost i2</body></message>");
  });
});
