import { describe, expect, it } from "vitest";
import { Transcript } from "../xmpp/transcript";
import type { TranscriptEntry } from "../xmpp/entry";
import { buildSequence, MAX_LIFELINES, type SequenceModel } from "./sequence-model";

const CLIENT_HEADER = "<stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const SERVER_HEADER = "<stream:stream id='s1' from='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
const ME = "alice@localhost/phone";

/** Entries as the bridge records them: framed, classified and paired by a real Transcript. */
function record(steps: ["in" | "out", string][]): TranscriptEntry[] {
  const transcript = new Transcript();
  const entries: TranscriptEntry[] = [];
  transcript.onEntry((entry) => entries.push(entry));
  transcript.record("out", CLIENT_HEADER);
  transcript.record("in", SERVER_HEADER);
  for (const [dir, text] of steps) transcript.record(dir, text);
  return entries;
}

/** Each arrow as "from -> to: label", lifelines by their JID. */
function lines(model: SequenceModel): string[] {
  return model.arrows.map((arrow) => `${model.lifelines[arrow.from]!.jid} -> ${model.lifelines[arrow.to]!.jid}: ${arrow.label}`);
}

describe("buildSequence", () => {
  it("draws stream-level elements between you and your server, and events not at all", () => {
    const transcript = new Transcript();
    const entries: TranscriptEntry[] = [];
    transcript.onEntry((entry) => entries.push(entry));
    transcript.record("out", CLIENT_HEADER);
    transcript.record("in", SERVER_HEADER + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>");
    transcript.record("out", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    transcript.record("in", "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    transcript.record("out", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>");
    transcript.record("in", "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    transcript.recordEvent("closed", "The server closed the connection.");
    const model = buildSequence(entries, { account: ME });
    expect(lines(model)).toEqual([
      `${ME} -> localhost: stream open`,
      `localhost -> ${ME}: stream open`,
      `localhost -> ${ME}: stream features`,
      `${ME} -> localhost: starttls`,
      `localhost -> ${ME}: tls proceed`,
      `${ME} -> localhost: sasl auth PLAIN`,
      `localhost -> ${ME}: sasl success`,
    ]);
    expect(model.lifelines.map((line) => line.role)).toEqual(["you", "server"]);
  });

  it("joins an iq request and its answer by id, in the same colour, with a bracket", () => {
    const entries = record([
      ["out", "<iq type='get' id='p1' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"],
      ["out", "<message to='bob@localhost' type='chat' id='m1'><body>hi</body></message>"],
      ["in", "<iq type='result' id='p1' from='localhost' to='alice@localhost/phone'/>"],
      ["out", "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>"],
      ["in", "<iq type='result' id='r1' to='alice@localhost/phone'><query xmlns='jabber:iq:roster'/></iq>"],
    ]);
    const model = buildSequence(entries, { account: ME, peer: "bob@localhost" });
    const [ping, message, pong, roster, rosterResult] = model.arrows.slice(2);
    expect([ping!.label, message!.label, pong!.label, roster!.label, rosterResult!.label]).toEqual(["iq get ping", "message chat", "iq result", "iq get roster", "iq result roster"]);
    expect(ping).toMatchObject({ pairRole: "request", partner: pong!.seq });
    expect(pong).toMatchObject({ pairRole: "response", partner: ping!.seq, pairColor: ping!.pairColor });
    expect(roster!.pairColor).not.toBe(ping!.pairColor);
    expect(message!.partner).toBeUndefined();
    expect(model.brackets).toEqual([
      { requestRow: 2, responseRow: 4, color: ping!.pairColor, column: 0 },
      { requestRow: 5, responseRow: 6, color: roster!.pairColor, column: 0 },
    ]);
  });

  it("pairs entries that arrive without `pair` the same way, and leaves the input alone", () => {
    const entries = record([
      ["out", "<iq type='get' id='v1' to='localhost'><query xmlns='jabber:iq:version'/></iq>"],
      ["in", "<iq type='result' id='v1' from='localhost'/>"],
    ]).map((entry) => ({ ...entry, pair: undefined }));
    const model = buildSequence(entries, { account: ME });
    expect(model.arrows[3]).toMatchObject({ pairRole: "response", partner: model.arrows[2]!.seq });
    expect(entries[3]!.pair).toBeUndefined();
  });

  it("puts overlapping exchanges in different bracket columns", () => {
    const entries = record([
      ["out", "<iq type='get' id='a' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"],
      ["out", "<iq type='get' id='b' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"],
      ["in", "<iq type='result' id='b' from='localhost'/>"],
      ["in", "<iq type='result' id='a' from='localhost'/>"],
    ]);
    const columns = buildSequence(entries, { account: ME }).brackets.map((bracket) => [bracket.requestRow, bracket.responseRow, bracket.column]);
    expect(columns).toEqual([
      [3, 4, 0],
      [2, 5, 1],
    ]);
  });

  it("sends a stanza without `to` to the server, and takes one without `from` as the server's (RFC 6120 sections 10.3, 8.1.2.1)", () => {
    const entries = record([
      ["out", "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>"],
      ["out", "<message type='chat'><body>note to self</body></message>"],
      ["out", "<presence/>"],
      ["in", "<iq type='set' id='push1'><query xmlns='jabber:iq:roster'><item jid='bob@localhost'/></query></iq>"],
      ["in", "<message from='alice@localhost' to='alice@localhost/phone' type='chat'><body>note to self</body></message>"],
    ]);
    expect(lines(buildSequence(entries, { account: ME })).slice(2)).toEqual([
      `${ME} -> localhost: iq get roster`,
      `${ME} -> localhost: message chat`,
      `${ME} -> localhost: presence`,
      `localhost -> ${ME}: iq set roster`,
      `localhost -> ${ME}: message chat`,
    ]);
  });

  it("collapses occupants into their room, the peer's resources into the peer, and keeps your other resources apart", () => {
    const entries = record([
      ["out", "<presence to='Lounge@conference.localhost/alice'><x xmlns='http://jabber.org/protocol/muc'/></presence>"],
      ["in", "<presence from='lounge@conference.localhost/bob'><x xmlns='http://jabber.org/protocol/muc#user'><item role='participant'/></x></presence>"],
      ["in", "<message from='lounge@conference.localhost/bob' type='groupchat'><body>hi all</body></message>"],
      ["in", "<presence from='bob@localhost/laptop'/>"],
      ["in", "<message from='BOB@localhost/phone' type='chat'><body>hi</body></message>"],
      ["in", "<presence from='alice@localhost/tablet'/>"],
      ["out", "<message to='alice@localhost/phone' type='chat'><body>me</body></message>"],
    ]);
    const model = buildSequence(entries, { account: ME, peer: "bob@localhost" });
    expect(model.lifelines.map((line) => [line.role, line.jid])).toEqual([
      ["you", ME],
      ["server", "localhost"],
      ["room", "lounge@conference.localhost"],
      ["peer", "bob@localhost"],
      ["resource", "alice@localhost/tablet"],
    ]);
    expect(lines(model).slice(2)).toEqual([
      `${ME} -> lounge@conference.localhost: presence (join)`,
      `lounge@conference.localhost -> ${ME}: presence`,
      `lounge@conference.localhost -> ${ME}: message groupchat`,
      `bob@localhost -> ${ME}: presence`,
      `bob@localhost -> ${ME}: message chat`,
      `alice@localhost/tablet -> ${ME}: presence`,
      `${ME} -> ${ME}: message chat`,
    ]);
  });

  it("marks errors with their condition, and gives an unknown JID a lifeline of its own", () => {
    const entries = record([
      ["out", "<iq type='get' id='v2' to='nobody@localhost'><query xmlns='jabber:iq:version'/></iq>"],
      [
        "in",
        "<iq type='error' id='v2' from='nobody@localhost'><query xmlns='jabber:iq:version'/><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
      ],
      ["in", "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"],
    ]);
    const model = buildSequence(entries, { account: ME, peer: "bob@localhost" });
    const [request, error, streamError] = model.arrows.slice(2);
    expect(model.lifelines[request!.to]).toMatchObject({ role: "other", jid: "nobody@localhost" });
    expect(request!.isError).toBe(false);
    expect(error).toMatchObject({ isError: true, condition: "service-unavailable", label: "iq error version", partner: request!.seq });
    expect(streamError).toMatchObject({ isError: true, condition: "conflict", label: "stream error" });
  });

  it("reads the account from what the server delivered, and the domain from the stream header", () => {
    const entries = record([["in", "<message from='bob@localhost/x' to='alice@localhost/desk' type='chat'><body>hi</body></message>"]]);
    const model = buildSequence(entries);
    expect(model.lifelines.slice(0, 2).map((line) => line.jid)).toEqual(["alice@localhost/desk", "localhost"]);
  });

  it("stays bounded on hostile input: thousands of JIDs share one column, malformed and huge entries are only labelled", () => {
    const steps: ["in" | "out", string][] = [];
    for (let index = 0; index < 2000; index++) steps.push(["in", `<message from='u${index}@evil.example' type='chat'><body>x</body></message>`]);
    steps.push(["in", `<message from='deep@evil.example' type='chat'>${"<a>".repeat(5000)}${"</a>".repeat(5000)}</message>`]);
    steps.push(["in", "<message from='@@@/' to='' type='chat'><body>x</body></message>"]);
    const entries = record(steps);
    const model = buildSequence(entries, { account: ME });
    expect(model.lifelines).toHaveLength(MAX_LIFELINES);
    expect(model.lifelines.at(-1)).toMatchObject({ key: "rest", jid: "other JIDs" });
    expect(model.arrows).toHaveLength(entries.length);
    expect(model.arrows.at(-2)!.label).toBe("message chat · a");
  });

  it("draws only the latest entries past the limit, and says how many it left out", () => {
    const steps: ["in" | "out", string][] = [];
    for (let index = 0; index < 30; index++) steps.push(["out", `<presence id='p${index}'/>`]);
    const model = buildSequence(record(steps), { account: ME, maxEntries: 10 });
    expect(model.omitted).toBe(22);
    expect(model.arrows).toHaveLength(10);
    expect(model.rowOfSeq.get(model.arrows[0]!.seq)).toBe(0);
  });
});
