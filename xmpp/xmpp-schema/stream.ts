import { ANY, EMPTY, TEXT, attribute, element, jidAttribute, ref } from "./define";
import {
  NS_BIND,
  NS_CLIENT,
  NS_FRAMING,
  NS_REGISTER_FEATURE,
  NS_SASL,
  NS_SESSION,
  NS_STREAM,
  NS_STREAM_ERRORS,
  NS_TLS,
  STREAM_LEVEL,
  rfc6120,
  xep,
} from "./namespaces";
import type { AttributeSpec, ElementSpec } from "./types";

/** RFC 6120 sections 4 to 7: the stream itself and what is negotiated on it before stanzas flow. */

const FEATURES = ref("features", NS_STREAM);
const MECHANISMS = ref("mechanisms", NS_SASL);
const SASL_FAILURE = ref("failure", NS_SASL);
const BIND = ref("bind", NS_BIND);
const SESSION = ref("session", NS_SESSION);
const STARTTLS = ref("starttls", NS_TLS);
const IQ = ref("iq", NS_CLIENT);

// RFC 6120 section 4.7: the same five attributes on the header in both directions.
const STREAM_ATTRIBUTES: readonly AttributeSpec[] = [
  jidAttribute("to", "The server you want to talk to: its domain, such as localhost (RFC 6120 section 4.7.2). Without it the server cannot pick a virtual host."),
  jidAttribute("from", "Who opens the stream. A client may put its bare JID here once it knows it; the server puts its domain (RFC 6120 section 4.7.1)."),
  attribute("id", "The stream ID, chosen by the receiving entity; a client never sets it (RFC 6120 section 4.7.3)."),
  attribute("xml:lang", "The default language of human-readable text in the stream (RFC 6120 section 4.7.4)."),
  attribute("version", "Must be 1.0 for RFC 6120 behaviour; without it the server may not send stream features (RFC 6120 section 4.7.5).", {
    values: [{ value: "1.0", doc: "XMPP 1.0: stream features, STARTTLS, SASL and resource binding." }],
  }),
];

export const STREAM_ELEMENTS: readonly ElementSpec[] = [
  element(
    "stream",
    NS_STREAM,
    [],
    "The stream header opens one long XML document that lasts as long as the connection; every stanza is a child of it. Send it first, and again after STARTTLS and after SASL success (a stream restart).",
    rfc6120("4.7"),
    { attributes: STREAM_ATTRIBUTES },
  ),
  element(
    "features",
    NS_STREAM,
    STREAM_LEVEL,
    "The server lists what can be negotiated next: STARTTLS, SASL mechanisms, then resource binding. Pick one and send its first element.",
    rfc6120("4.3.2"),
  ),
  element(
    "error",
    NS_STREAM,
    STREAM_LEVEL,
    "A stream error is fatal: the sender closes the stream right after it. The child in urn:ietf:params:xml:ns:xmpp-streams names the condition.",
    rfc6120("4.9"),
  ),
  element(
    "text",
    NS_STREAM_ERRORS,
    ref("error", NS_STREAM),
    "Optional human-readable words about a stream error; the condition element beside it is what programs act on.",
    rfc6120("4.9.2"),
    { attributes: [attribute("xml:lang", "The language of the text.")], content: TEXT },
  ),

  // STARTTLS, RFC 6120 section 5.
  element("starttls", NS_TLS, [FEATURES, STREAM_LEVEL], "In features: the server offers TLS. Sent by the client: 'let us upgrade to TLS now'; the server answers <proceed/> or <failure/>.", rfc6120("5.4.2.1"), {
    content: { kind: "any" },
  }),
  element("required", NS_TLS, STARTTLS, "The server will not go on without TLS: negotiate it before anything else.", rfc6120("5.4.1"), { content: EMPTY }),
  element("proceed", NS_TLS, STREAM_LEVEL, "The server agrees: the TLS handshake starts right after this element, and then the client opens a new stream.", rfc6120("5.4.2.3"), {
    content: EMPTY,
  }),
  element("failure", NS_TLS, STREAM_LEVEL, "The TLS handshake cannot happen: the server closes the stream and the connection.", rfc6120("5.4.2.2"), { content: EMPTY }),

  // SASL, RFC 6120 section 6.
  element("mechanisms", NS_SASL, FEATURES, "The SASL mechanisms the server accepts, best first. Choose one in <auth mechanism='...'>.", rfc6120("6.4.1")),
  element("mechanism", NS_SASL, MECHANISMS, "One SASL mechanism name, such as PLAIN or SCRAM-SHA-1.", rfc6120("6.4.1"), { content: TEXT }),
  element(
    "auth",
    NS_SASL,
    STREAM_LEVEL,
    "Starts authentication with the chosen mechanism. The text is base64 initial data: for PLAIN, base64 of \\0user\\0password (RFC 4616), which anyone who sees the stream can decode.",
    rfc6120("6.4.2"),
    {
      attributes: [
        attribute("mechanism", "The SASL mechanism, one of those the server listed in <mechanisms>.", {
          required: true,
          values: [
            { value: "PLAIN", doc: "Username and password in one base64 message (RFC 4616). Safe only inside TLS." },
            { value: "SCRAM-SHA-1", doc: "Salted challenge-response: the password never crosses the wire (RFC 5802)." },
            { value: "SCRAM-SHA-256", doc: "SCRAM with SHA-256 (RFC 7677)." },
            { value: "ANONYMOUS", doc: "A temporary anonymous identity, if the server allows it (RFC 4505)." },
            { value: "EXTERNAL", doc: "Credentials from outside SASL, such as a TLS client certificate (RFC 4422 appendix A)." },
          ],
        }),
      ],
      content: ANY,
    },
  ),
  element("challenge", NS_SASL, STREAM_LEVEL, "The server's next step in a challenge-response mechanism, base64 encoded. Answer with <response>.", rfc6120("6.4.3"), { content: ANY }),
  element("response", NS_SASL, STREAM_LEVEL, "The client's answer to a <challenge>, base64 encoded.", rfc6120("6.4.3"), { content: ANY }),
  element("abort", NS_SASL, STREAM_LEVEL, "The client gives up on this authentication attempt; the server answers <failure><aborted/></failure>.", rfc6120("6.4.4"), { content: EMPTY }),
  element(
    "success",
    NS_SASL,
    STREAM_LEVEL,
    "Authenticated. Both sides now discard the stream: the client sends a new stream header (a restart) and gets new features, with resource binding.",
    rfc6120("6.4.6"),
    { content: ANY },
  ),
  element("failure", NS_SASL, STREAM_LEVEL, "Authentication failed; the child names why (for a wrong password, <not-authorized/>). You may try again.", rfc6120("6.4.5")),
  element("text", NS_SASL, SASL_FAILURE, "Optional human-readable words about the SASL failure.", rfc6120("6.4.5"), {
    attributes: [attribute("xml:lang", "The language of the text.")],
    content: TEXT,
  }),

  // Resource binding, RFC 6120 section 7.
  element(
    "bind",
    NS_BIND,
    [FEATURES, IQ],
    "In features: bind a resource now. In an iq of type set: ask for a resource (give <resource> or let the server choose); the result carries your full JID.",
    rfc6120("7"),
  ),
  element("resource", NS_BIND, BIND, "The resource you would like, such as 'laptop'. Leave it out and the server makes one up.", rfc6120("7.6"), { content: TEXT }),
  element("jid", NS_BIND, BIND, "In the result: your full JID, user@domain/resource. Stanzas from you carry it as 'from'.", rfc6120("7.6.1"), { content: TEXT }),
  element(
    "session",
    NS_SESSION,
    [FEATURES, IQ],
    "Session establishment from the old RFC 3921. Servers that still list it mark it <optional/>: you can skip it.",
    "https://datatracker.ietf.org/doc/html/draft-cridland-xmpp-session-01",
  ),
  element("optional", NS_SESSION, SESSION, "The session request may be skipped.", "https://datatracker.ietf.org/doc/html/draft-cridland-xmpp-session-01", { content: EMPTY }),
  element("register", NS_REGISTER_FEATURE, FEATURES, "The server lets you create an account in-band, before logging in (XEP-0077).", xep("0077"), { content: EMPTY }),

  // XMPP over WebSocket, RFC 7395 section 3.3: the stream header becomes a plain element.
  element("open", NS_FRAMING, STREAM_LEVEL, "Opens the stream over WebSocket, standing in for <stream:stream>.", "https://www.rfc-editor.org/rfc/rfc7395#section-3.3.1", {
    attributes: STREAM_ATTRIBUTES,
    content: EMPTY,
  }),
  element("close", NS_FRAMING, STREAM_LEVEL, "Closes the stream over WebSocket, standing in for </stream:stream>.", "https://www.rfc-editor.org/rfc/rfc7395#section-3.6", {
    attributes: [attribute("see-other-uri", "A WebSocket URI to reconnect to instead.")],
    content: EMPTY,
  }),
];
