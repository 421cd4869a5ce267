import { describe, expect, it } from "vitest";
import { NS_CLIENT, NS_STREAM } from "../xml/namespaces";
import { parseWithPositions } from "../xml/parse-positions";
import { checkTopLevel } from "./check";
import { jidProblem } from "./jid-check";

/**
 * The schema check as the editor runs it on each top-level element a person typed: what it
 * says, how severe, and which characters it marks. Each row is a rule of RFC 6120 section 8,
 * RFC 6121 or "the element goes where its spec puts it".
 */
function diagnose(xml: string) {
  const element = parseWithPositions(xml, { namespaces: { "": NS_CLIENT, stream: NS_STREAM } }).elements[0]!;
  return checkTopLevel(element).map((found) => ({ offset: found.offset, marks: xml.slice(found.offset, found.offset + found.length), severity: found.severity, code: found.code, message: found.message }));
}

const ROWS: [string, string, ReturnType<typeof diagnose>][] = [
  [
    "accepts a well-formed chat message",
    "<message to='bob@localhost' type='chat'><body>hi</body></message>",
    [],
  ],
  [
    "an iq get needs its one child (RFC 6120 section 8.2.3)",
    "<iq type='get' id='1'/>",
    [{"offset":1,"marks":"iq","severity":"error","code":"iq-child-count","message":"An iq of type get needs exactly one child, the query; add one, for example <ping xmlns=\"urn:xmpp:ping\"/> (RFC 6120 section 8.2.3)."}],
  ],
  [
    "an iq set carries exactly one child: the second is marked",
    "<iq type='set' id='1'><ping xmlns='urn:xmpp:ping'/><ping xmlns='urn:xmpp:ping'/></iq>",
    [{"offset":52,"marks":"ping","severity":"error","code":"iq-child-count","message":"An iq of type set carries exactly one child; send <ping> in an iq of its own (RFC 6120 section 8.2.3)."}],
  ],
  [
    "an iq result carries at most one child",
    "<iq type='result' id='1'><ping xmlns='urn:xmpp:ping'/><ping xmlns='urn:xmpp:ping'/></iq>",
    [{"offset":55,"marks":"ping","severity":"error","code":"iq-child-count","message":"An iq of type result carries at most one child; remove <ping> (RFC 6120 section 8.2.3)."}],
  ],
  [
    "an empty iq result is fine",
    "<iq type='result' id='1'/>",
    [],
  ],
  [
    "a stanza of type error without an <error> child is warned about",
    "<message type='error'/>",
    [{"offset":1,"marks":"message","severity":"warning","code":"error-without-condition","message":"A message of type error should carry an <error> child with a condition (RFC 6120 section 8.3.2)."}],
  ],
  [
    "a stanza type outside RFC 6121's list is an error, with the list",
    "<message type='bogus'/>",
    [{"offset":15,"marks":"bogus","severity":"error","code":"bad-value","message":"type=\"bogus\" is not allowed on <message>: use one of chat, groupchat, headline, normal, error."}],
  ],
  [
    "a to that is not a JID is an error saying what is wrong",
    "<message to='@localhost'/>",
    [{"offset":13,"marks":"@localhost","severity":"error","code":"bad-jid","message":"to \"@localhost\" has nothing before \"@\": write a username there, or drop the \"@\" (RFC 7622 section 3.3)."}],
  ],
  [
    "an unknown attribute is warned about, but not xml:lang nor namespace declarations",
    "<message colour='red' xml:lang='en' xmlns:x='urn:x'/>",
    [{"offset":9,"marks":"colour","severity":"warning","code":"unknown-attribute","message":"<message> has no attribute colour in its spec; the recipient will ignore it. Known: to, from, id, type, xml:lang."}],
  ],
  [
    "stream features are the server's to send",
    "<stream:features/>",
    [{"offset":1,"marks":"stream:features","severity":"warning","code":"server-only","message":"<stream:features> is sent by the server, not by a client: the server will likely close the stream."}],
  ],
  [
    "SASL success is the server's to send",
    "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
    [{"offset":1,"marks":"success","severity":"warning","code":"server-only","message":"<success> is sent by the server, not by a client: the server will likely close the stream."}],
  ],
  [
    "a client's SASL auth is fine at stream level",
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>=</auth>",
    [],
  ],
  [
    "a body alone in the stream goes inside a message",
    "<body>hi</body>",
    [{"offset":1,"marks":"body","severity":"error","code":"misplaced","message":"<body> cannot stand alone in the stream: put it inside <message>."}],
  ],
  [
    "a roster query alone in the stream goes inside an iq",
    "<query xmlns='jabber:iq:roster'/>",
    [{"offset":1,"marks":"query","severity":"error","code":"misplaced","message":"<query> cannot stand alone in the stream: put it inside <iq>."}],
  ],
  [
    "a misspelt stanza name gets the name it is closest to",
    "<mesage/>",
    [{"offset":1,"marks":"mesage","severity":"error","code":"unknown-stanza","message":"<mesage> is not a stanza: the top-level elements are <message>, <presence> and <iq>; did you mean <message>? The server would end the stream with unsupported-stanza-type."}],
  ],
  [
    "a name far from every stanza gets no guess",
    "<zzzzzzzz/>",
    [{"offset":1,"marks":"zzzzzzzz","severity":"error","code":"unknown-stanza","message":"<zzzzzzzz> is not a stanza: the top-level elements are <message>, <presence> and <iq>. The server would end the stream with unsupported-stanza-type."}],
  ],
  [
    "a payload in jabber:client at stream level is told its parent and its namespace",
    "<ping/>",
    [{"offset":1,"marks":"ping","severity":"error","code":"misplaced","message":"<ping> cannot stand alone in the stream: put it inside <iq>, with xmlns=\"urn:xmpp:ping\"."}],
  ],
  [
    "a payload that inherited jabber:client is told which xmlns to add",
    "<iq type='get' id='1'><ping/></iq>",
    [{"offset":23,"marks":"ping","severity":"error","code":"wrong-namespace","message":"<ping> is in jabber:client (inherited from <iq>), but the <ping> that goes here is defined in urn:xmpp:ping: add xmlns=\"urn:xmpp:ping\"."}],
  ],
  [
    "a payload with the wrong xmlns is told which to change it to",
    "<iq type='get' id='1'><ping xmlns='jabber:iq:roster'/></iq>",
    [{"offset":35,"marks":"jabber:iq:roster","severity":"error","code":"wrong-namespace","message":"<ping> is in jabber:iq:roster, but the <ping> that goes here is defined in urn:xmpp:ping: change it to xmlns=\"urn:xmpp:ping\"."}],
  ],
  [
    "a name its namespace does not define is warned about, with what is known there",
    "<iq type='get' id='1'><query xmlns='jabber:iq:roster'><foo/></query></iq>",
    [{"offset":55,"marks":"foo","severity":"warning","code":"unknown-element","message":"<foo> is not defined in jabber:iq:roster: the recipient will ignore it or answer with an error. Known here: <item>."}],
  ],
  [
    "a namespace one letter from a known one is a likely typo",
    "<iq type='get' id='1'><ping xmlns='urn:xmpp:pong'/></iq>",
    [{"offset":35,"marks":"urn:xmpp:pong","severity":"warning","code":"namespace-typo","message":"The namespace urn:xmpp:pong is unknown here; did you mean urn:xmpp:ping?"}],
  ],
  [
    "a namespace of its own is an extension, not a mistake",
    "<iq type='get' id='1'><x xmlns='urn:example:totally-different-thing'/></iq>",
    [],
  ],
  [
    "a known element inside the wrong parent is told where it goes",
    "<message><item xmlns='jabber:iq:roster' jid='a@b'/></message>",
    [{"offset":10,"marks":"item","severity":"error","code":"misplaced","message":"<item> does not belong inside <message>: it goes inside <query>."}],
  ],
  [
    "an element empty by definition holding text is warned about",
    "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'>x</ping></iq>",
    [{"offset":23,"marks":"ping","severity":"warning","code":"not-empty","message":"<ping> is empty by definition: write <ping/>."}],
  ],
  [
    "an element of text holding elements is warned about",
    "<message><body><b/></body></message>",
    [{"offset":16,"marks":"b","severity":"warning","code":"text-only","message":"<body> holds text only, not elements."},{"offset":16,"marks":"b","severity":"warning","code":"unknown-element","message":"<b> is not defined in jabber:client: the recipient will ignore it or answer with an error."}],
  ],
  [
    "a show outside its four values is an error, with them",
    "<presence><show>sleeping</show></presence>",
    [{"offset":16,"marks":"sleeping","severity":"error","code":"bad-text","message":"<show> must contain one of away, chat, dnd, xa, not \"sleeping\"."}],
  ],
  [
    "a priority past 127 is an error (RFC 6121 section 4.7.2.3)",
    "<presence><priority>200</priority></presence>",
    [{"offset":20,"marks":"200","severity":"error","code":"bad-text","message":"<priority> must contain a whole number from -128 to 127, not \"200\"."}],
  ],
  [
    "a priority of -128, the lowest, is fine",
    "<presence><priority>-128</priority></presence>",
    [],
  ],
  [
    "an <error> needs a condition element",
    "<message type='error'><error type='cancel'/></message>",
    [{"offset":23,"marks":"error","severity":"error","code":"error-without-condition","message":"<error> needs a condition element, such as <bad-request xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/> (RFC 6120 section 8.3.2)."}],
  ],
  [
    "a required attribute missing is an error (with \"an\" before a vowel)",
    "<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>",
    [{"offset":1,"marks":"iq","severity":"error","code":"missing-attribute","message":"<iq> needs an id attribute; add it. Your label for the stanza; the answer carries the same id so you can match it (RFC 6120 section 8.1.3)."}],
  ],
  [
    "a required attribute missing is an error (with \"a\" before a consonant)",
    "<iq type='set' id='1'><query xmlns='jabber:iq:roster'><item/></query></iq>",
    [{"offset":55,"marks":"item","severity":"error","code":"missing-attribute","message":"<item> needs a jid attribute; add it. The contact's bare JID (RFC 6121 section 2.1.2.3)."}],
  ],
  [
    "a name several namespaces define is told to pick one of them",
    "<iq type='get' id='1'><query/></iq>",
    [{"offset":23,"marks":"query","severity":"error","code":"wrong-namespace","message":"<query> is in jabber:client (inherited from <iq>), but the <query> that goes here is defined in one of jabber:iq:roster, http://jabber.org/protocol/disco#info, http://jabber.org/protocol/disco#items, jabber:iq:version, http://jabber.org/protocol/muc#admin, jabber:iq:register: add the xmlns of the one you mean."}],
  ],
  [
    "an element SASL does not define is warned about, with SASL's elements",
    "<mystery xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
    [{"offset":1,"marks":"mystery","severity":"warning","code":"unknown-element","message":"<mystery> is not defined in urn:ietf:params:xml:ns:xmpp-sasl: the recipient will ignore it or answer with an error. Known here: <auth>, <challenge>, <response>, <abort>, <success>, <failure>."}],
  ],
];

describe("checkTopLevel", () => {
  it.each(ROWS)("%s", (_what, xml, expected) => {
    expect(diagnose(xml)).toEqual(expected);
  });
});

describe("jidProblem (RFC 7622 section 3)", () => {
  it.each([
    ["bob@localhost"],
    ["localhost"],
    ["bob@localhost/phone"],
    ["room@muc.localhost/nick with spaces"],
  ])("accepts %s", (jid) => {
    expect(jidProblem(jid)).toBeNull();
  });

  it.each([
    ["  ", "is empty: write a JID such as bob@localhost, or leave the attribute out."],
    ["bob@", '"bob@" is not a JID: it needs a domain, as in bob@localhost or localhost (RFC 7622 section 3).'],
    ["bob@/phone", '"bob@/phone" is not a JID: it needs a domain, as in bob@localhost or localhost (RFC 7622 section 3).'],
    ["bob smith@localhost", '"bob smith@localhost" has a space before the resource: JIDs cannot contain spaces there (RFC 7622 section 3).'],
    ["@localhost", '"@localhost" has nothing before "@": write a username there, or drop the "@" (RFC 7622 section 3.3).'],
    ["a@b@localhost", '"a@b@localhost" has more than one "@": a JID is local@domain/resource (RFC 7622 section 3.1).'],
    ["bob@localhost/", '"bob@localhost/" ends with "/" but has no resource after it: add one or drop the "/" (RFC 7622 section 3.4).'],
    ["bob@local<host", '"bob@local<host" has characters that cannot be in a domain (RFC 7622 section 3.2).'],
  ])("says what is wrong with %j", (jid, problem) => {
    expect(jidProblem(jid)).toBe(problem);
  });
});
