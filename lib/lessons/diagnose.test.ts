import { describe, expect, it } from "vitest";
import { Transcript } from "../xmpp/transcript";
import type { TranscriptEntry } from "../xmpp/entry";
import type { EventCode } from "../xmpp/event-codes";
import { evaluateCheck } from "./check";
import { diagnoseStep } from "./diagnose";
import type { Expectation } from "./types";
import { buildLessonVariables } from "./variables";

const variables = buildLessonVariables({ username: "guest-abc", password: "pw", domain: "localhost", peer: "peer-xyz@localhost", random: () => "r1" });

type Wire = ["out" | "in", string] | ["event", EventCode];

function transcript(...wire: Wire[]): TranscriptEntry[] {
  const recorder = new Transcript();
  for (const [dir, text] of wire) {
    if (dir === "event") recorder.recordEvent(text as EventCode, text);
    else recorder.record(dir, text);
  }
  return recorder.since(0);
}

function diagnose(check: Expectation[], window: TranscriptEntry[], session: TranscriptEntry[] = window) {
  const result = evaluateCheck(check, window, variables);
  return diagnoseStep({ check, session, window, variables, result });
}

const chat: Expectation[] = [
  { name: "sent", dir: "out", stanza: "message", type: "chat", to: "{{peer}}", has: [{ path: "body" }], missing: "Send a chat message to {{peer}}." },
  { dir: "in", stanza: "message", type: "chat", from: "{{peer}}", after: "sent", has: [{ path: "body", contains: "echo:" }], missing: "The peer has not answered yet." },
];

describe("diagnoseStep", () => {
  it("names the failing expectation, the learner's entry and the attribute that differs", () => {
    const window = transcript(["out", "<message type='normal' to='peer-xyz@localhost' id='a'><body>hi</body></message>"]);
    expect(diagnose(chat, window)).toEqual({
      index: 0,
      missing: "Send a chat message to peer-xyz@localhost.",
      closest: { seq: 1, differences: ['type is "normal"; this step expects "chat"'] },
    });
  });

  it("says an attribute is absent rather than comparing with nothing", () => {
    const window = transcript(["out", "<message to='peer-xyz@localhost' id='a'><body>hi</body></message>"]);
    expect(diagnose(chat, window)?.closest?.differences).toEqual(['it has no type attribute; this step expects type="chat"']);
  });

  it("compares addresses as JIDs: a bare pattern takes any resource, another account is named", () => {
    const right = transcript(["out", "<message type='chat' to='PEER-XYZ@localhost/phone' id='a'><body>hi</body></message>"]);
    expect(evaluateCheck(chat.slice(0, 1), right, variables).passed).toBe(true);
    const wrong = transcript(["out", "<message type='chat' to='other@localhost' id='a'><body>hi</body></message>"]);
    expect(diagnose(chat, wrong)?.closest?.differences).toEqual(["to is other@localhost; this step expects peer-xyz@localhost (or any of its resources)"]);
    const fullJid: Expectation[] = [{ dir: "out", stanza: "presence", to: "room@conference.localhost/{{username}}" }];
    const bare = transcript(["out", "<presence to='room@conference.localhost'/>"]);
    expect(diagnose(fullJid, bare)?.closest?.differences).toEqual(["to is the bare JID room@conference.localhost; this step expects the full JID room@conference.localhost/guest-abc"]);
    const otherNick = transcript(["out", "<presence to='room@conference.localhost/Guest-abc'/>"]);
    expect(diagnose(fullJid, otherNick)?.closest?.differences[0]).toContain('resource "Guest-abc"; this step expects "guest-abc"');
  });

  it("names a missing child, a child in the wrong namespace, a wrong attribute and wrong text", () => {
    const thread: Expectation[] = [{ dir: "out", stanza: "message", has: [{ path: "thread" }] }];
    expect(diagnose(thread, transcript(["out", "<message to='a@b'><body>x</body></message>"]))?.closest?.differences).toEqual(["no <thread/> child"]);
    const item: Expectation[] = [{ dir: "out", stanza: "iq", has: [{ path: "query/item", xmlns: "jabber:iq:roster" }] }];
    expect(diagnose(item, transcript(["out", "<iq type='set' id='r'><query xmlns='jabber:iq:roster'/></iq>"]))?.closest?.differences).toEqual(["no <item/> inside <query/>"]);
    const muc: Expectation[] = [{ dir: "out", stanza: "presence", has: [{ path: "x", xmlns: "http://jabber.org/protocol/muc" }] }];
    expect(diagnose(muc, transcript(["out", "<presence to='r@c/n'><x xmlns='http://jabber.org/protocol/muc#user'/></presence>"]))?.closest?.differences).toEqual([
      '<x/> is in namespace "http://jabber.org/protocol/muc#user"; this step expects "http://jabber.org/protocol/muc"',
    ]);
    const form: Expectation[] = [{ dir: "out", stanza: "iq", has: [{ path: "query/x", xmlns: "jabber:x:data", attrs: { type: "submit" } }] }];
    expect(diagnose(form, transcript(["out", "<iq type='set' id='f'><query><x xmlns='jabber:x:data' type='form'/></query></iq>"]))?.closest?.differences).toEqual([
      '<x/> has type="form"; this step expects type="submit"',
    ]);
    const resource: Expectation[] = [{ dir: "out", stanza: "iq", has: [{ path: "bind/resource", text: "lesson" }] }];
    expect(diagnose(resource, transcript(["out", "<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>mine</resource></bind></iq>"]))?.closest?.differences).toEqual([
      '<resource/> holds "mine"; this step expects "lesson"',
    ]);
    const echo = transcript(["out", "<message type='chat' to='peer-xyz@localhost' id='a'><body>hi</body></message>"], ["in", "<message type='chat' from='peer-xyz@localhost/bot'><body>hello</body></message>"]);
    expect(diagnose(chat, echo)?.closest).toEqual({ seq: 2, differences: ['<body/> holds "hello", without "echo:"'] });
  });

  it("picks the closest entry: the same kind of element first, then the fewest differences, then the latest", () => {
    const window = transcript(
      ["out", "<presence type='chat' to='peer-xyz@localhost'><body>x</body></presence>"],
      ["out", "<message type='normal' to='other@localhost'><body>one</body></message>"],
      ["out", "<message type='normal' to='peer-xyz@localhost'><body>two</body></message>"],
      ["out", "<message type='headline' to='peer-xyz@localhost'><body>three</body></message>"],
    );
    const diagnosis = diagnose(chat, window);
    expect(diagnosis?.closest).toEqual({ seq: 4, differences: ['type is "headline"; this step expects "chat"'] });
    expect(diagnose(chat, window.slice(0, 1))?.closest).toEqual({ seq: 1, differences: ["it is a <presence/>; this step expects a <message/>"] });
  });

  it("gives the server's error condition and text when the server refused the learner's stanza (RFC 6120 section 8.3)", () => {
    const time: Expectation[] = [
      { name: "request", dir: "out", stanza: "iq", type: "get", to: "{{domain}}", has: [{ path: "time", xmlns: "urn:xmpp:time" }] },
      { dir: "in", stanza: "iq", type: "error", answers: "request", error: { condition: "service-unavailable", type: "cancel" }, missing: "No error answering your request yet." },
    ];
    const window = transcript(
      ["out", "<iq type='get' to='localhost'><time xmlns='urn:xmpp:time'/></iq>"],
      [
        "in",
        "<iq type='error' from='localhost'><error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xml:lang='en' xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Missing attribute 'id'</text></error></iq>",
      ],
    );
    const diagnosis = diagnose(time, window);
    expect(diagnosis?.index).toBe(1);
    expect(diagnosis?.closest?.seq).toBe(2);
    expect(diagnosis?.closest?.differences).toEqual([
      "its error condition is <bad-request/>; this step expects <service-unavailable/>",
      'it does not answer #1: its id is none, the request\'s is none (RFC 6120 §8.2.3)',
    ]);
    expect(diagnosis?.refusal).toEqual({ seq: 2, condition: "bad-request", type: "modify", text: "Missing attribute 'id'" });
  });

  it("pairs a refusal with the learner's stanza by id, and ignores an error about another one", () => {
    const window = transcript(
      ["out", "<message type='chat' to='nobody@localhost' id='m1'><body>hi</body></message>"],
      ["in", "<message type='error' from='nobody@localhost' id='zz'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"],
    );
    expect(diagnose(chat, window)?.refusal).toBeUndefined();
    const refused = transcript(
      ["out", "<message type='chat' to='nobody@localhost' id='m1'><body>hi</body></message>"],
      ["in", "<message type='error' from='nobody@localhost' id='m1'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"],
    );
    const diagnosis = diagnose(chat, refused);
    expect(diagnosis?.closest).toEqual({ seq: 1, differences: ["to is nobody@localhost; this step expects peer-xyz@localhost (or any of its resources)"] });
    expect(diagnosis?.refusal).toEqual({ seq: 2, condition: "service-unavailable", type: "cancel" });
  });

  it("says nothing about a check that passed", () => {
    const window = transcript(
      ["out", "<message type='chat' to='peer-xyz@localhost' id='a'><body>hi</body></message>"],
      ["in", "<message type='chat' from='peer-xyz@localhost/bot'><body>echo: hi</body></message>"],
    );
    expect(diagnose(chat, window)).toBeNull();
  });
});

describe("stuck detection", () => {
  const bind: Expectation[] = [
    { name: "bind", dir: "out", stanza: "iq", type: "set", has: [{ path: "bind", xmlns: "urn:ietf:params:xml:ns:xmpp-bind" }] },
    { dir: "in", stanza: "iq", type: "result", answers: "bind" },
  ];
  const boundBefore = transcript(
    ["out", "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>x</resource></bind></iq>"],
    ["in", "<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>guest-abc@localhost/x</jid></bind></iq>"],
    ["event", "bound"],
  );

  it("says so when the session already bound a resource before this step's window", () => {
    const diagnosis = diagnose(bind, [], boundBefore);
    expect(diagnosis?.stuck?.seq).toBe(3);
    expect(diagnosis?.stuck?.text).toContain("already bound a resource (#3)");
    expect(diagnosis?.stuck?.text).toContain("New session and Replay");
  });

  it("does not claim stuck before the session bound, nor when the window itself holds the bind", () => {
    expect(diagnose(bind, [], transcript(["event", "authenticated"]))?.stuck).toBeUndefined();
    const check: Expectation[] = [...bind, { dir: "out", stanza: "presence" }];
    expect(diagnose(check, boundBefore)?.index).toBe(2);
    expect(diagnose(check, boundBefore)?.stuck).toBeUndefined();
  });

  it("says so when TLS was already negotiated and the step waits for STARTTLS", () => {
    const starttls: Expectation[] = [{ dir: "out", stanza: "starttls" }, { dir: "event", event: "tls-established" }];
    const session = transcript(["out", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"], ["in", "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"], ["event", "tls-established"]);
    expect(diagnose(starttls, [], session)?.stuck?.text).toContain("already negotiated TLS (#3)");
  });

  const join: Expectation[] = [
    { name: "join", dir: "out", stanza: "presence", to: "room@conference.localhost/nick", has: [{ path: "x", xmlns: "http://jabber.org/protocol/muc" }] },
    {
      dir: "in",
      stanza: "presence",
      from: "room@conference.localhost/nick",
      after: "join",
      has: [
        { path: "x/status", xmlns: "http://jabber.org/protocol/muc#user", attrs: { code: "110" } },
        { path: "x/status", attrs: { code: "201" } },
      ],
    },
  ];
  const selfPresence = (type = "") =>
    `<presence from='room@conference.localhost/nick'${type}><x xmlns='http://jabber.org/protocol/muc#user'><item affiliation='owner' role='moderator'/><status code='110'/></x></presence>`;

  it("says so when the session is still in the room the step wants to create (XEP-0045 section 10.1.1)", () => {
    const session = transcript(["out", "<presence to='room@conference.localhost/nick'/>"], ["in", selfPresence()]);
    const window = transcript(["out", "<presence to='room@conference.localhost/nick'><x xmlns='http://jabber.org/protocol/muc'/></presence>"]);
    const diagnosis = diagnose(join, window, session);
    expect(diagnosis?.index).toBe(1);
    expect(diagnosis?.stuck?.seq).toBe(2);
    expect(diagnosis?.stuck?.text).toContain("already joined room@conference.localhost (#2)");
  });

  it("says so when the learner joined without the MUC <x/> in this very window, then joined again with it", () => {
    const window = transcript(
      ["out", "<presence to='room@conference.localhost/nick'/>"],
      ["in", selfPresence().replace("<status code='110'/>", "<status code='110'/><status code='201'/>")],
      ["out", "<presence to='room@conference.localhost/nick'><x xmlns='http://jabber.org/protocol/muc'/></presence>"],
      ["in", selfPresence()],
    );
    const diagnosis = diagnose(join, window);
    expect(diagnosis?.index).toBe(1);
    expect(diagnosis?.closest?.seq).toBe(4);
    expect(diagnosis?.stuck?.seq).toBe(4);
    expect(diagnosis?.stuck?.text).toContain("start a New session and Replay");
  });

  it("does not claim stuck once the session left the room, or before it joined", () => {
    const left = transcript(["in", selfPresence()], ["in", selfPresence(" type='unavailable'")]);
    expect(diagnose(join, [], left)?.stuck).toBeUndefined();
    expect(diagnose(join, [], [])?.stuck).toBeUndefined();
  });
});
