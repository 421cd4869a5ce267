import { describe, expect, it } from "vitest";
import type { SessionState } from "../bridge/protocol";
import { Transcript } from "../xmpp/transcript";
import type { XmppSession } from "../xmpp/session";
import { offered, probeOffers } from "./offers";

const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s1' version='1.0'>";

/** A server with a MUC service, ping on itself, MAM on accounts, and no stream management. */
function fakeServer(): XmppSession {
  const transcript = new Transcript();
  transcript.record("in", `${HEADER}<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>`);
  const state: SessionState = "online";
  const answer = (to: string, ns: string): string => {
    if (ns.endsWith("#items")) return to === "localhost" ? "<item jid='conference.localhost'/><item jid='broken.localhost'/>" : "";
    const features: Record<string, string[]> = {
      localhost: ["http://jabber.org/protocol/disco#info", "urn:xmpp:ping"],
      "conference.localhost": ["http://jabber.org/protocol/muc"],
      "alice@localhost": ["urn:xmpp:mam:2"],
    };
    return (features[to] ?? []).map((feature) => `<feature var='${feature}'/>`).join("");
  };
  return {
    transcript,
    get currentState() {
      return state;
    },
    onState: () => () => undefined,
    connect: () => Promise.resolve("alice@localhost/r1"),
    send(xml: string) {
      transcript.record("out", xml);
      const [, to, id, ns] = /to='([^']+)' id='([^']+)'><query xmlns='([^']+)'/.exec(xml)!;
      setTimeout(() => {
        // One service answers with an error: its features are none, not a failure of the probe.
        if (to === "broken.localhost") transcript.record("in", `<iq type='error' id='${id}' from='${to}'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`);
        else transcript.record("in", `<iq type='result' id='${id}' from='${to}'><query xmlns='${ns}'>${answer(to!, ns!)}</query></iq>`);
      }, 2);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

describe("probeOffers and offered", () => {
  it("finds what the server offers and says, with the deciding entries, what it does not", async () => {
    const offers = await probeOffers(fakeServer(), "localhost", "alice@localhost");
    expect([...offers.server]).toEqual(["http://jabber.org/protocol/disco#info", "urn:xmpp:ping"]);
    expect([...offers.account]).toEqual(["urn:xmpp:mam:2"]);
    expect(offers.services.map(({ jid, features }) => [jid, [...features]])).toEqual([["conference.localhost", ["http://jabber.org/protocol/muc"]], ["broken.localhost", []]]);
    expect(offers.stream.has("urn:ietf:params:xml:ns:xmpp-bind")).toBe(true);

    expect(offered([{ feature: "urn:xmpp:ping" }, { service: "http://jabber.org/protocol/muc", as: "muc" }, { account: "urn:xmpp:mam:2" }, { stream: "urn:ietf:params:xml:ns:xmpp-bind" }], offers)).toEqual({ offered: true, values: { muc: "conference.localhost" } });
    const carbons = offered([{ feature: "urn:xmpp:ping" }, { feature: "urn:xmpp:carbons:2" }], offers);
    expect(carbons).toMatchObject({ offered: false, missing: "the server's disco#info does not list urn:xmpp:carbons:2" });
    expect(carbons.offered === false && carbons.evidence.map((entry) => entry.attrs?.from)).toEqual(["localhost"]);
    const upload = offered([{ service: "urn:xmpp:http:upload:0", as: "upload" }], offers);
    expect(upload.offered === false && upload.evidence.length).toBe(3);
    expect(offered([{ stream: "urn:xmpp:sm:3" }], offers)).toMatchObject({ offered: false, missing: "no stream feature in urn:xmpp:sm:3" });
    expect(offered([{ account: "http://jabber.org/protocol/pubsub#publish" }], offers)).toMatchObject({ offered: false });
  });
});
