import { describe, expect, it } from "vitest";
import { NS_CLIENT, NS_STREAM } from "../xml/namespaces";
import { REDACTION_MASK as M } from "./entry";
import { MAX_DEPTH, redactContinuation, redactXml } from "./redaction";
import { Transcript } from "./transcript";

const SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
const SASL2 = "urn:xmpp:sasl:2";
const FAST = "urn:xmpp:fast:0";

/** [what, text with the secret, the same text as every view must show it]. */
const MASKED: [string, string, string][] = [
  // RFC 6120 section 6.4
  ["SASL PLAIN auth", `<auth xmlns='${SASL}' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>`, `<auth xmlns='${SASL}' mechanism='PLAIN'>${M}</auth>`],
  ["a SASL challenge", `<challenge xmlns="${SASL}">cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==</challenge>`, `<challenge xmlns="${SASL}">${M}</challenge>`],
  ["a SASL response", `<response xmlns='${SASL}'>Yz1iaXdzLHI9</response>`, `<response xmlns='${SASL}'>${M}</response>`],
  ["SASL success data", `<success xmlns='${SASL}'>dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>`, `<success xmlns='${SASL}'>${M}</success>`],
  ["a prefixed SASL element", `<sasl:auth xmlns:sasl='${SASL}' mechanism='PLAIN'>c2VjcmV0</sasl:auth>`, `<sasl:auth xmlns:sasl='${SASL}' mechanism='PLAIN'>${M}</sasl:auth>`],
  // XEP-0388
  [
    "SASL2 initial-response, keeping the user agent",
    `<authenticate xmlns='${SASL2}' mechanism='PLAIN'><initial-response>AGFsaWNlAHNlY3JldA==</initial-response><user-agent id='d4565fa7'><software>Playground</software></user-agent></authenticate>`,
    `<authenticate xmlns='${SASL2}' mechanism='PLAIN'><initial-response>${M}</initial-response><user-agent id='d4565fa7'><software>Playground</software></user-agent></authenticate>`,
  ],
  ["a SASL2 challenge", `<challenge xmlns='${SASL2}'>cj1meWtv</challenge>`, `<challenge xmlns='${SASL2}'>${M}</challenge>`],
  ["a SASL2 response", `<response xmlns='${SASL2}'>Yz1iaXdz</response>`, `<response xmlns='${SASL2}'>${M}</response>`],
  [
    "SASL2 success additional-data, keeping the authorization identifier",
    `<success xmlns='${SASL2}'>\n  <additional-data>dj1tc1ZI</additional-data>\n  <authorization-identifier>alice@localhost</authorization-identifier>\n</success>`,
    `<success xmlns='${SASL2}'>\n  <additional-data>${M}</additional-data>\n  <authorization-identifier>alice@localhost</authorization-identifier>\n</success>`,
  ],
  ["SASL2 continue additional-data", `<continue xmlns='${SASL2}'><additional-data>SSdtIGJvcmVkIG5vdy4=</additional-data><tasks><task>HOTP-EXAMPLE</task></tasks></continue>`, `<continue xmlns='${SASL2}'><additional-data>${M}</additional-data><tasks><task>HOTP-EXAMPLE</task></tasks></continue>`],
  ["SASL2 task data", `<next xmlns='${SASL2}' task='TOTP'><task-data>MTIzNDU2</task-data></next>`, `<next xmlns='${SASL2}' task='TOTP'><task-data>${M}</task-data></next>`],
  ["a SCRAM upgrade hash (XEP-0480)", `<task-data xmlns='${SASL2}'><hash xmlns='urn:xmpp:scram-upgrade:0'>BzOnw3Pc5H4bOLlPZ/8JAy6wL7s=</hash></task-data>`, `<task-data xmlns='${SASL2}'><hash xmlns='urn:xmpp:scram-upgrade:0'>${M}</hash></task-data>`],
  // XEP-0484
  [
    "a FAST token in SASL2 success",
    `<success xmlns='${SASL2}'><authorization-identifier>a@b</authorization-identifier><token xmlns='${FAST}' expiry='2026-12-02T04:00:00Z' token='WXZzciBwYmFm'/></success>`,
    `<success xmlns='${SASL2}'><authorization-identifier>a@b</authorization-identifier><token xmlns='${FAST}' expiry='2026-12-02T04:00:00Z' token='${M}'/></success>`,
  ],
  ["a FAST token in double quotes, after a value that mentions token=", `<token xmlns="${FAST}" expiry=" token='decoy'" token = "WXZz"/>`, `<token xmlns="${FAST}" expiry=" token='decoy'" token = "${M}"/>`],
  // XEP-0077 and XEP-0078
  ["a registration password", `<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>carol</username><password>hunter2</password></query></iq>`, `<iq type='set' id='r1'><query xmlns='jabber:iq:register'><username>carol</username><password>${M}</password></query></iq>`],
  ["a password in CDATA", `<query xmlns='jabber:iq:register'><password><![CDATA[p<w>d]]></password></query>`, `<query xmlns='jabber:iq:register'><password>${M}</password></query>`],
  ["a password of text, CDATA and an entity", `<query xmlns='jabber:iq:register'><password>a<![CDATA[b]]>&amp;c</password></query>`, `<query xmlns='jabber:iq:register'><password>${M}</password></query>`],
  ["a prefixed password with a spaced end tag", `<r:query xmlns:r='jabber:iq:register'><r:password>hunter2</r:password ></r:query>`, `<r:query xmlns:r='jabber:iq:register'><r:password>${M}</r:password ></r:query>`],
  ["a password whose prefix is bound on the password itself", `<query xmlns='jabber:iq:register'><p:password xmlns:p='jabber:iq:register'>hunter2</p:password></query>`, `<query xmlns='jabber:iq:register'><p:password xmlns:p='jabber:iq:register'>${M}</p:password></query>`],
  ["a legacy auth password", `<query xmlns='jabber:iq:auth'><username>a</username><password>hunter2</password><resource>r</resource></query>`, `<query xmlns='jabber:iq:auth'><username>a</username><password>${M}</password><resource>r</resource></query>`],
  ["a legacy auth digest", `<query xmlns='jabber:iq:auth'><digest>48fc78be9ec8f86d8ce1c39c320c97c21d62334d</digest></query>`, `<query xmlns='jabber:iq:auth'><digest>${M}</digest></query>`],
  // XEP-0004 forms, as XEP-0077 section 4 uses them
  [
    "a data form's password field, keeping the other fields",
    `<x xmlns='jabber:x:data' type='submit'><field var='username'><value>carol</value></field><field var='password'><value>hunter2</value></field></x>`,
    `<x xmlns='jabber:x:data' type='submit'><field var='username'><value>carol</value></field><field var='password'><value>${M}</value></field></x>`,
  ],
  ["a text-private field of any name", `<x xmlns='jabber:x:data'><field type='text-private' var='muc#roomconfig_roomsecret'><value>cauldron</value></field></x>`, `<x xmlns='jabber:x:data'><field type='text-private' var='muc#roomconfig_roomsecret'><value>${M}</value></field></x>`],
  // XEP-0045
  ["a room password when joining", `<presence to='room@muc/nick'><x xmlns='http://jabber.org/protocol/muc'><password>cauldronburn</password></x></presence>`, `<presence to='room@muc/nick'><x xmlns='http://jabber.org/protocol/muc'><password>${M}</password></x></presence>`],
  ["a room password in an invitation", `<message><x xmlns='http://jabber.org/protocol/muc#user'><invite to='b@c'/><password>cauldronburn</password></x></message>`, `<message><x xmlns='http://jabber.org/protocol/muc#user'><invite to='b@c'/><password>${M}</password></x></message>`],
  ["a password change's old password field", `<x xmlns='jabber:x:data' type='submit'><field var='old_password'><value>hunter1</value></field></x>`, `<x xmlns='jabber:x:data' type='submit'><field var='old_password'><value>${M}</value></field></x>`],
  ["a password field named in capitals", `<x xmlns='jabber:x:data'><field var='Password'><value>hunter1</value></field></x>`, `<x xmlns='jabber:x:data'><field var='Password'><value>${M}</value></field></x>`],
  ["a password that is only \"=\" (no SASL empty response there)", `<query xmlns='jabber:iq:register'><password>=</password></query>`, `<query xmlns='jabber:iq:register'><password>${M}</password></query>`],
  ["two secrets in one text", `<query xmlns='jabber:iq:auth'><password>a</password><digest>b</digest></query>`, `<query xmlns='jabber:iq:auth'><password>${M}</password><digest>${M}</digest></query>`],
];

describe("redactXml: each form of credential", () => {
  it.each(MASKED)("masks %s", (_what, text, expected) => {
    expect(redactXml(text)).toBe(expected);
  });
});

describe("redactXml: what is not a credential stays byte for byte", () => {
  it.each([
    ["SASL's empty response", `<response xmlns='${SASL}'>=</response>`],
    ["an empty SASL2 response", `<response xmlns='${SASL2}'> = </response>`],
    ["an element with nothing in it", `<auth xmlns='${SASL}' mechanism='EXTERNAL'/>`],
    ["an empty success", `<success xmlns='${SASL}'></success>`],
    ["the SASL2 feature", `<stream:features xmlns:stream='${NS_STREAM}'><authentication xmlns='${SASL2}'><mechanism>SCRAM-SHA-1</mechanism><inline><fast xmlns='${FAST}'><mechanism>HT-SHA-256-NONE</mechanism></fast></inline></authentication></stream:features>`],
    ["a FAST token request", `<request-token xmlns='${FAST}' mechanism='HT-SHA-256-NONE'/>`],
    ["a message that speaks of passwords", `<message to='bob@localhost'><body>my password is &lt;password&gt;hunter2&lt;/password&gt;, token='x'</body></message>`],
    ["a password element in another namespace", `<query xmlns='urn:example:vault'><password>kept</password></query>`],
    ["a password element in the stanza's namespace", `<iq type='set'><password>kept</password></iq>`],
    ["SASL names in another namespace", `<x xmlns='urn:example:game'><auth>a</auth><challenge>b</challenge><response>c</response><success>d</success><initial-response>e</initial-response><additional-data>f</additional-data><digest>g</digest><hash>h</hash></x>`],
    ["SASL2's names in SASL's namespace", `<x xmlns='${SASL}'><initial-response>e</initial-response><additional-data>f</additional-data></x>`],
    ["a token attribute elsewhere", `<token xmlns='urn:example:t' token='kept'/>`],
    ["an empty FAST token", `<token xmlns='${FAST}' token=''/>`],
    ["another attribute of the FAST token", `<token xmlns='${FAST}' expiry='2026-12-02T04:00:00Z'/>`],
    ["a form's ordinary fields", `<x xmlns='jabber:x:data' type='submit'><field var='username' type='text-single'><value>carol</value></field></x>`],
    ["a value outside data forms under a password field", `<x xmlns='urn:example:forms'><field var='password'><value>kept</value></field></x>`],
    ["a stream header", `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='${NS_STREAM}' to='auth.example' version='1.0'>`],
    ["the end of a stream", "</stream:stream>"],
    ["malformed text with no secret-looking element", "<message><body>a password</message>"],
  ])("leaves %s alone", (_what, text) => {
    expect(redactXml(text)).toBe(text);
  });
});

describe("redactXml: the stream's namespaces", () => {
  const prefixed = `<sasl:auth mechanism='PLAIN'>c2VjcmV0</sasl:auth>`;

  it("reads a prefix the stream header declared", () => {
    const context = { defaultNs: NS_CLIENT, prefixes: { stream: NS_STREAM, sasl: SASL } };
    expect(redactXml(prefixed, context)).toBe(`<sasl:auth mechanism='PLAIN'>${M}</sasl:auth>`);
  });

  it("does not mask a prefixed name the header bound to another namespace", () => {
    const context = { defaultNs: NS_CLIENT, prefixes: { stream: NS_STREAM, sasl: "urn:example:not-sasl" } };
    expect(redactXml(prefixed, context)).toBe(prefixed);
  });

  it("reads the stream's default namespace", () => {
    const text = `<password>hunter2</password>`;
    expect(redactXml(text, { defaultNs: "jabber:iq:register", prefixes: {} })).toBe(`<password>${M}</password>`);
    expect(redactXml(text)).toBe(text);
  });
});

describe("redactXml: text that does not parse is masked conservatively", () => {
  it.each([
    ["an auth never closed", `<auth xmlns='${SASL}' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==`, `<auth xmlns='${SASL}' mechanism='PLAIN'>${M}`],
    ["a start tag never ended", `<auth mechanism='PLAIN' AGFsaWNlAHNlY3JldA==`, `<auth${M}`],
    ["a start tag cut by another", `<auth mechanism='PLAIN' <x>AGFsaWNl`, `<auth${M}`],
    ["a secret with a stray <", `<auth xmlns='${SASL}'>AGFsa<WNl</auth>`, `<auth xmlns='${SASL}'>${M}</auth>`],
    ["a secret whose end tag is in another case", `<PASSWORD>hunter2</Password>`, `<PASSWORD>${M}</Password>`],
    ["an unbound prefix", `<x:password>hunter2</x:password>`, `<x:password>${M}</x:password>`],
    ["an iq missing its end tag", `<iq type='set'><query xmlns='jabber:iq:register'><password>hunter2</password></query>`, `<iq type='set'><query xmlns='jabber:iq:register'><password>${M}</password></query>`],
    ["a text-private field", `<x xmlns='jabber:x:data'><field type='text-private'><value>hunter2</value></field>`, `<x xmlns='jabber:x:data'><field type='text-private'><value>${M}</value></field>`],
    ["a FAST token", `<token xmlns='${FAST}' token='WXZz'>`, `<token xmlns='${FAST}' token='${M}'>`],
    ["a FAST token never quoted to its end", `<token token="WXZzciBwYmFm`, `<token token="${M}`],
    ["a stream header with an auth after it", `<stream:stream xmlns='jabber:client' xmlns:stream='${NS_STREAM}'><auth xmlns='${SASL}'>AGFsaWNl</auth>`, `<stream:stream xmlns='jabber:client' xmlns:stream='${NS_STREAM}'><auth xmlns='${SASL}'>${M}</auth>`],
  ])("masks %s", (_what, text, expected) => {
    expect(redactXml(text)).toBe(expected);
  });

  it.each(["auth", "challenge", "response", "success", "initial-response", "additional-data", "task-data", "hash", "password", "digest"])("masks the content of any <%s>", (name) => {
    expect(redactXml(`<${name}>s3cr3t</${name}><`)).toBe(`<${name}>${M}</${name}><`);
  });

  it("masks a data form value when the text speaks of a text-private field, and only then", () => {
    expect(redactXml(`<field type='text-private'><value>s3cr3t</value><`)).toBe(`<field type='text-private'><value>${M}</value><`);
    expect(redactXml(`<field type='text-single'><value>kept</value><`)).toBe(`<field type='text-single'><value>kept</value><`);
  });

  it("masks secrets in the order they come, attributes and elements alike", () => {
    expect(redactXml(`<token token='b'/><password>a</password><`)).toBe(`<token token='${M}'/><password>${M}</password><`);
  });

  it("masks two secrets that overlap as one", () => {
    expect(redactXml(`<password>x token='y</password>z'<`)).toBe(`<password>${M}'<`);
  });

  it("keeps an empty response and an empty element", () => {
    for (const text of [`<response>=</response><x`, `<auth mechanism='X'/><x`]) expect(redactXml(text)).toBe(text);
  });

  it("masks each secret of a broken text, and what lies between them only when unclosed", () => {
    expect(redactXml("<password>a</password><body>b</body><digest>c</digest><")).toBe(`<password>${M}</password><body>b</body><digest>${M}</digest><`);
  });
});

describe("redactXml: no recursion over what it reads", () => {
  it("reads a secret strictly at the depth limit", () => {
    const text = "<a>".repeat(MAX_DEPTH - 2) + "<query xmlns='urn:example'><password>kept</password></query>" + "</a>".repeat(MAX_DEPTH - 2);
    expect(redactXml(text)).toBe(text);
  });

  it("masks by name, conservatively, past the depth limit", () => {
    const text = "<a>".repeat(MAX_DEPTH) + "<query xmlns='urn:example'><password>hidden</password></query>" + "</a>".repeat(MAX_DEPTH);
    expect(redactXml(text)).toContain(`<password>${M}</password>`);
  });

  it("reads a hostile text that does not parse in time that grows with its length", () => {
    const texts = ["<t" + " token='".repeat(200_000), "<auth a='".repeat(100_000), "<auth>".repeat(100_000) + "password<value>".repeat(50_000)];
    const started = performance.now();
    for (const text of texts) expect(redactXml(text)).not.toBe(text);
    // A pass over each is milliseconds; time growing with the square of the length took minutes.
    // The bound leaves room for a busy machine and for mutation testing's instrumented code
    // (10 s measured there at 5 s), and still fails the quadratic reading by far.
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it("masks a password under 100,000 levels of nesting", () => {
    const depth = 100_000;
    const text = "<a>".repeat(depth) + "<query xmlns='jabber:iq:register'><password>deep-secret</password></query>" + "</a>".repeat(depth);
    const masked = redactXml(text);
    expect(masked).not.toContain("deep-secret");
    expect(masked).toContain(`<password>${M}</password>`);
  });
});

describe("a credential split over two raw sends (each send is one write)", () => {
  const HEADER = "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
  const SECRET = "AGFsaWNlAHMzY3JldA==";

  it.each([
    ["after the start tag", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>", `${SECRET}</auth>`],
    ["inside the start tag", "<", `auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${SECRET}</auth>`],
    ["inside the secret", `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${SECRET.slice(0, 8)}`, `${SECRET.slice(8)}</auth>`],
  ])("never shows it when the send is cut %s", (_where, first, second) => {
    const transcript = new Transcript();
    transcript.record("out", HEADER);
    transcript.record("out", first);
    transcript.record("out", second);
    const shown = transcript.since(0).map((entry) => entry.raw).join("");
    expect(shown).not.toContain(SECRET.slice(8));
    expect(shown).not.toContain(SECRET.slice(0, 8));
    expect(shown).toContain("</auth>");
    // The reveal keeps what crossed, piece by piece.
    expect([...transcript.revealSecrets().values()].join("")).toContain(SECRET.slice(8));
  });

  it("leaves the rest of an element without a credential as it was", () => {
    const transcript = new Transcript();
    transcript.record("out", HEADER);
    transcript.record("out", "<message to='bob@localhost'><body>");
    transcript.record("out", "hello</body></message>");
    expect(transcript.since(0).at(-1)).toMatchObject({ raw: "hello</body></message>" });
    expect(transcript.since(0).at(-1)?.redacted).toBeUndefined();
  });
});

describe("redactXml: what decides that a text is worth reading", () => {
  it("masks a SCRAM upgrade hash that comes alone (no other secret-looking word in it)", () => {
    expect(redactXml("<hash xmlns='urn:xmpp:scram-upgrade:0'>BzOnw3Pc</hash>")).toBe(`<hash xmlns='urn:xmpp:scram-upgrade:0'>${M}</hash>`);
  });

  it("masks a legacy digest whose namespace the stream header bound to a prefix (no namespace in the text itself)", () => {
    const context = { defaultNs: NS_CLIENT, prefixes: { stream: NS_STREAM, ia: "jabber:iq:auth" } };
    expect(redactXml("<ia:digest>48fc78be</ia:digest>", context)).toBe(`<ia:digest>${M}</ia:digest>`);
  });

  it("masks a secret-looking name in capitals in a text that does not parse", () => {
    expect(redactXml("<SASL:AUTH mechanism='PLAIN'>AGFsaWNl")).toBe(`<SASL:AUTH mechanism='PLAIN'>${M}`);
    expect(redactXml("<field var='PASSWORD'><value>hunter2</value><")).toBe(`<field var='PASSWORD'><value>${M}</value><`);
    expect(redactXml("<t TOKEN='WXZz'><")).toBe(`<t TOKEN='${M}'><`);
  });

  it("masks each run of a secret's text around a child element, and keeps the child", () => {
    expect(redactXml("<query xmlns='jabber:iq:register'><password>ab<b/>cd</password></query>")).toBe(`<query xmlns='jabber:iq:register'><password>${M}<b/>${M}</password></query>`);
  });
});

describe("redactXml: the conservative reading respects quotes and starts afresh for each text", () => {
  it.each([
    ["single", "<auth mechanism='a>b'>s3cr3t</auth><"],
    ["double", `<auth mechanism="a>b">s3cr3t</auth><`],
  ])("does not end a start tag at a > inside a %s-quoted value", (_quote, text) => {
    expect(redactXml(text)).toBe(text.replace("s3cr3t", M));
  });

  it("finds a secret at the start of a text read after one whose start tag never ended", () => {
    expect(redactXml("<auth mechanism='PLAIN' AGFs")).toBe(`<auth${M}`);
    expect(redactXml("<password>hunter2</password><")).toBe(`<password>${M}</password><`);
  });

  it("finds a token at the start of a text read after one whose token was never closed", () => {
    expect(redactXml("<t token='WXZzciBwYmFmWXZzciBwYmFm")).toBe(`<t token='${M}`);
    expect(redactXml(" token='a'<")).toBe(` token='${M}'<`);
  });
});

describe("redactContinuation: the second piece of an element sent in two writes", () => {
  const AUTH = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>";

  it("masks the part of the secret in this piece only", () => {
    expect(redactContinuation(`${AUTH}AGFs`, "aWNl</auth>")).toBe(`${M}</auth>`);
  });

  it("keeps a piece whose element held its secret in the earlier piece", () => {
    const piece = "<username>carol</username></query>";
    expect(redactContinuation("<query xmlns='jabber:iq:register'><password>hunter2</password>", piece)).toBe(piece);
  });

  it("masks a piece that is all secret while the element is still open", () => {
    expect(redactContinuation(AUTH, "AGFsaWNl")).toBe(M);
  });

  it("returns the piece as it is when neither piece could hold a secret", () => {
    expect(redactContinuation("<message><body>", "hello</body></message>")).toBe("hello</body></message>");
  });
});

describe("redactXml: edges that mutation testing found untested", () => {
  it.each(["auth", "challenge", "response", "success"])("keeps SASL's empty data \"=\" in <%s> (RFC 6120 section 6.4.2)", (name) => {
    const text = `<${name} xmlns='${SASL}'>=</${name}>`;
    expect(redactXml(text)).toBe(text);
  });

  it.each(["initial-response", "challenge", "response", "additional-data", "task-data"])("keeps SASL2's empty data \"=\" in <%s>", (name) => {
    const text = `<x xmlns='${SASL2}'><${name}>=</${name}></x>`;
    expect(redactXml(text)).toBe(text);
  });

  it.each([
    ["the field's description beside its value", `<x xmlns='jabber:x:data'><field var='password' type='text-private'><desc>Your password</desc><value>${M}</value></field></x>`],
    ["a value of another namespace under a password field", `<x xmlns='jabber:x:data'><field var='password'><value xmlns='urn:example:v'>kept</value></field></x>`],
    ["a value under a form element that is not a field", `<x xmlns='jabber:x:data'><reported var='password'><value>kept</value></reported></x>`],
    ["a value directly in the form", `<x xmlns='jabber:x:data'><value>kept</value></x>`],
    ["a value under a password field of another namespace", `<f:field xmlns:f='urn:example:f' var='password'><value xmlns='jabber:x:data'>kept</value></f:field>`],
  ])("masks a data form's secret value only: keeps %s", (_what, expected) => {
    expect(redactXml(expected.replace(M, "hunter2"))).toBe(expected);
  });

  it("finds the secret field of a form deep in an iq (XEP-0077 section 4), and only its value", () => {
    const text = `<iq type='set' id='r1'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'><field var='username'><value>carol</value></field><field var='password'><value>hunter2</value></field></x></query></iq>`;
    expect(redactXml(text)).toBe(text.replace("hunter2", M));
  });

  it("masks each run of a secret's text around a child, deep in an iq", () => {
    const text = `<iq type='set'><query xmlns='jabber:iq:register'><password>hun<b/>ter2</password><username>carol</username></query></iq>`;
    expect(redactXml(text)).toBe(`<iq type='set'><query xmlns='jabber:iq:register'><password>${M}<b/>${M}</password><username>carol</username></query></iq>`);
  });

  it("reads several top-level elements strictly (a chunk of a stream), by namespace", () => {
    const text = `<query xmlns='urn:example:vault'><password>kept</password></query><iq type='get' id='p'/><auth xmlns='${SASL}' mechanism='PLAIN'>c2VjcmV0</auth>`;
    expect(redactXml(text)).toBe(text.replace("c2VjcmV0", M));
  });

  it("keeps an empty secret element, and what follows it, byte for byte", () => {
    const text = `<iq type='result'><success xmlns='${SASL}'/><query xmlns='jabber:iq:version'><name>x</name></query></iq>`;
    expect(redactXml(text)).toBe(text);
  });

  it("stops reading strictly exactly past MAX_DEPTH levels", () => {
    const at = (levels: number) => "<a>".repeat(levels) + "<query xmlns='urn:example'><password>kept</password></query>" + "</a>".repeat(levels);
    // query is at depth levels + 1 and password at levels + 2: the deepest a strict reading takes is MAX_DEPTH.
    expect(redactXml(at(MAX_DEPTH - 2))).toBe(at(MAX_DEPTH - 2));
    expect(redactXml(at(MAX_DEPTH - 1))).toContain(`<password>${M}</password>`);
  });

  it("finds a FAST token attribute in a start tag that is not the first tag of the text", () => {
    const text = `<a><token xmlns='${FAST}' token='WXZz'/></a>`;
    expect(redactXml(text)).toBe(`<a><token xmlns='${FAST}' token='${M}'/></a>`);
  });

  it("reads every attribute of a FAST token, whatever comes before the token", () => {
    const text = `<token xmlns='${FAST}' a='/' b = ">" token='WXZz' c='d'/>`;
    expect(redactXml(text)).toBe(`<token xmlns='${FAST}' a='/' b = ">" token='${M}' c='d'/>`);
  });

  it("masks the one piece of a secret that ends where the piece begins, and adds nothing", () => {
    expect(redactContinuation(`<auth xmlns='${SASL}' mechanism='PLAIN'>AGFsaWNl`, "</auth>")).toBe("</auth>");
  });
});

describe("redactXml: the conservative reading's edges", () => {
  it.each([
    ["a token written with spaces around =", `<token token = 'WXZz'><`, `<token token = '${M}'><`],
    ["an empty token", `<token token=''><`, `<token token=''><`],
    ["two tokens", `<t token='a'/><t token="b"/><`, `<t token='${M}'/><t token="${M}"/><`],
    ["a token never closed after a closed one", `<t token='a'/><t token='bcd`, `<t token='${M}'/><t token='${M}`],
    ["a secret of spaces only", `<password>   </password><`, `<password>   </password><`],
    ["an empty secret", `<auth></auth><`, `<auth></auth><`],
    ["a secret padded with spaces", `<auth> s3 </auth><`, `<auth>${M}</auth><`],
  ])("%s", (_what, text, expected) => {
    expect(redactXml(text)).toBe(expected);
  });
});
