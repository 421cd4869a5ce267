import { describe, expect, it } from "vitest";
import { Transcript } from "../xmpp/transcript";
import { parseScript } from "./parse";
import { recordScript } from "./record";
import { runSteps } from "./run";
import { accountValues } from "./capture";

const JID = "u123@localhost/res-9";

/** A session's transcript as the bridge records it: framing, kinds, iq pairing, error conditions. */
function recorded(): Transcript {
  const transcript = new Transcript();
  transcript.record("out", "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>");
  transcript.record("in", "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s1' version='1.0'>");
  transcript.record("out", "<iq type='get' to='localhost' id='ping-1'><ping xmlns='urn:xmpp:ping'/></iq>");
  transcript.record("in", "<iq type='result' from='localhost' to='u123@localhost/res-9' id='ping-1'/>");
  transcript.record("out", "<iq type='get' to='conference.localhost' id='d2'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  transcript.record("in", "<iq type='result' from='conference.localhost' id='d2'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  transcript.record("out", "<message to='nobody@localhost' type='chat' id='m3'><body>hi from u123@localhost/res-9: not localhostish</body></message>");
  transcript.record("in", "<message from='nobody@localhost' to='u123@localhost/res-9' type='error' id='m3'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
  transcript.record("out", "<presence/>");
  return transcript;
}

describe("recordScript", () => {
  const text = recordScript({ entries: recorded().since(0), jid: JID, domain: "localhost" });

  it("makes a step per stanza sent, with ids, own JIDs and the domain as variables", () => {
    const script = parseScript(text, "recorded.yaml");
    expect(script.accounts).toEqual([{ name: "alice", kind: "fresh" }]);
    expect(script.steps.map((step) => step.send)).toEqual([
      "<iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>",
      "<iq type='get' to='conference.{{domain}}' id='{{id}}'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
      "<message to='nobody@{{domain}}' type='chat' id='{{id}}'><body>hi from {{alice.full}}: not localhostish</body></message>",
      "<presence/>",
    ]);
  });

  it("turns each answer into the default expectation: same kind, type, error condition", () => {
    const script = parseScript(text, "recorded.yaml");
    expect(script.steps.map((step) => step.expect)).toEqual([
      [{ name: "sent", dir: "out", stanza: "iq", type: "get" }, { dir: "in", stanza: "iq", type: "result", answers: "sent" }],
      [{ name: "sent", dir: "out", stanza: "iq", type: "get" }, { dir: "in", stanza: "iq", type: "result", answers: "sent" }],
      [{ name: "sent", dir: "out", stanza: "message", type: "chat" }, { dir: "in", stanza: "message", type: "error", after: "sent", error: { condition: "service-unavailable" } }],
      [{ name: "sent", dir: "out", stanza: "presence" }],
    ]);
  });

  it("replays on another account: the recorded expectations pass against the same answers", async () => {
    const script = parseScript(text, "recorded.yaml");
    const transcript = new Transcript();
    const other = "v456@localhost/other";
    const session = {
      transcript,
      currentState: "online" as const,
      send(xml: string) {
        transcript.record("out", xml);
        const id = /id='([^']+)'/.exec(xml)?.[1];
        const to = /to='([^']+)'/.exec(xml)?.[1];
        if (xml.startsWith("<iq")) transcript.record("in", `<iq type='result' from='${to}' to='${other}' id='${id}'/>`);
        if (xml.startsWith("<message")) transcript.record("in", `<message from='${to}' type='error' id='${id}'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`);
        return Promise.resolve();
      },
    };
    const verdicts = await runSteps(script, { alice: session }, accountValues("alice", other, "localhost"));
    expect(verdicts.map((verdict) => verdict.passed)).toEqual([true, true, true, true]);
    expect(transcript.since(0)[4]!.raw).toBe(`<message to='nobody@localhost' type='chat' id='${transcript.since(0)[4]!.attrs!.id}'><body>hi from ${other}: not localhostish</body></message>`);
  });

  it("refuses entries where nothing was sent", () => {
    expect(() => recordScript({ entries: recorded().since(0).filter((entry) => entry.dir === "in"), jid: JID, domain: "localhost" })).toThrow(/Nothing was sent/);
  });
});
