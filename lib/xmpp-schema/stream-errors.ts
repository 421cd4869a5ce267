import { EMPTY, TEXT, element, ref } from "./define";
import { rfc6120 } from "./namespaces";
import { NS_SASL, NS_STREAM, NS_STREAM_ERRORS } from "../xml/namespaces";
import type { ConditionSpec, ElementSpec } from "./types";

/** RFC 6120 section 4.9.3 (stream errors, always fatal) and 6.5 (SASL failures). */

const streamCondition = (name: string, section: string, meaning: string, fix: string): ConditionSpec => ({
  name,
  meaning,
  fix,
  spec: rfc6120(`4.9.3.${section}`),
});

export const STREAM_ERROR_CONDITIONS: readonly ConditionSpec[] = [
  streamCondition("bad-format", "1", "The server cannot process what was sent, though it is well-formed XML (for example, several root-level elements where one was expected).", "Send one complete element at a time that the stream allows at this point; then reconnect."),
  streamCondition("bad-namespace-prefix", "2", "A namespace prefix is unsupported, or the default namespace of the stream is missing or wrong.", "Declare xmlns='jabber:client' and xmlns:stream='http://etherx.jabber.org/streams' on the header, exactly."),
  streamCondition("conflict", "3", "A new stream for the same full JID replaced this one: someone logged in with the same resource.", "Log in with another resource, or stop the other client."),
  streamCondition("connection-timeout", "4", "The stream took too long: it sat idle, or its negotiation (TLS, SASL, binding) did not finish within the time the server allows.", "Open a new stream and negotiate it within the server's limit; once bound, a whitespace keepalive or a ping (XEP-0199) now and then keeps an idle stream alive."),
  streamCondition("host-gone", "5", "The domain in the header's 'to' is no longer served by this server.", "Use a domain the server hosts (here: localhost)."),
  streamCondition("host-unknown", "6", "The server does not host the domain in the header's 'to'.", "Put the server's domain in 'to' on the stream header (here: to='localhost')."),
  streamCondition("improper-addressing", "7", "A stanza lacked a 'to' or 'from' where one is required (between servers).", "Add the missing address."),
  streamCondition("internal-server-error", "8", "The server broke while handling the stream: a bug or misconfiguration on its side.", "Nothing to fix on your side; read the server log and reconnect."),
  streamCondition("invalid-from", "9", "The 'from' on the stream or a stanza does not match the identity the server knows for you.", "Leave 'from' out; the server fills it with your full JID."),
  streamCondition("invalid-namespace", "10", "The stream namespace is not http://etherx.jabber.org/streams, or the content namespace is not one the server supports.", "Use the exact namespace names: xmlns:stream='http://etherx.jabber.org/streams' and xmlns='jabber:client'."),
  streamCondition("invalid-xml", "11", "The XML was well-formed but invalid for XMPP, for example a stanza that breaks the schema.", "Compare the element with its definition in the RFC or XEP (the editor's hover shows it)."),
  streamCondition("not-authorized", "12", "You sent something that needs authentication before authenticating.", "Complete SASL first: <auth>, then the stream restart, then bind a resource."),
  streamCondition("not-well-formed", "13", "What you sent is not well-formed XML: an unclosed tag, a bad character, a prefix never declared. The stream cannot continue.", "Fix the XML (the editor marks the spot), reconnect and send it again."),
  streamCondition("policy-violation", "14", "The stream broke a local policy, such as a stanza size limit or a rate limit.", "Send smaller stanzas, and more slowly."),
  streamCondition("remote-connection-failed", "15", "The server could not reach a back-end it needs for your stream.", "Nothing to fix on your side; try again later."),
  streamCondition("reset", "16", "The server is resetting the stream, for example because security settings changed.", "Reconnect."),
  streamCondition("resource-constraint", "17", "The server lacks the resources to keep the stream.", "Reconnect later."),
  streamCondition("restricted-xml", "18", "XMPP forbids some XML: comments, processing instructions, DTDs, internal subsets and entity references other than the five predefined (RFC 6120 section 11.1).", "Remove comments, <?...?> instructions and <!DOCTYPE>; write &lt; &gt; &amp; &quot; &apos; or numeric references only."),
  streamCondition("see-other-host", "19", "The server sends you to another host, named inside the element.", "Connect to the host given inside <see-other-host/>."),
  streamCondition("system-shutdown", "20", "The server is shutting down.", "Reconnect when it is back."),
  streamCondition("undefined-condition", "21", "An error none of the other conditions describes.", "Read the <text> and any application-specific element for details."),
  streamCondition("unsupported-encoding", "22", "The stream was not in UTF-8.", "Send UTF-8 only."),
  streamCondition("unsupported-feature", "23", "A feature the server requires is not supported by you, or a mandatory feature was skipped.", "Negotiate the features the server marks required, in order."),
  streamCondition(
    "unsupported-stanza-type",
    "24",
    "A top-level element the server does not know in its namespace: not message, presence or iq in jabber:client, and no negotiated nonza. Over WebSocket there is no stream header to inherit jabber:client from (RFC 7395 section 3.3.3), so a <presence/> without xmlns is in no namespace at all.",
    "Wrap payloads in <message>, <presence> or <iq>, and give the top-level element its namespace; over WebSocket write xmlns='jabber:client' on every stanza.",
  ),
  streamCondition("unsupported-version", "25", "The 'version' on the stream header is one the server does not support.", "Send version='1.0' on the stream header."),
];

const saslCondition = (name: string, section: string, meaning: string, fix: string): ConditionSpec => ({
  name,
  meaning,
  fix,
  spec: rfc6120(`6.5.${section}`),
});

export const SASL_FAILURE_CONDITIONS: readonly ConditionSpec[] = [
  saslCondition("aborted", "1", "You aborted the authentication with <abort/>.", "Start again with <auth>."),
  saslCondition("account-disabled", "2", "The account exists but is disabled.", "Ask the server's admin to enable it, or use another account."),
  saslCondition("credentials-expired", "3", "The password has expired.", "Change the password by other means, then log in again."),
  saslCondition("encryption-required", "4", "This mechanism is only allowed over an encrypted stream.", "Negotiate STARTTLS first, or connect with direct TLS."),
  saslCondition("incorrect-encoding", "5", "The data was not valid base64.", "Base64-encode the mechanism's data, with no line breaks."),
  saslCondition("invalid-authzid", "6", "The authorization identity you gave is not allowed for these credentials.", "Leave the authzid empty (PLAIN: start with \\0)."),
  saslCondition("invalid-mechanism", "7", "The mechanism is not one the server offered.", "Use one of the names listed in <mechanisms>."),
  saslCondition("malformed-request", "8", "The request was malformed, for example <auth> without a mechanism.", "Add mechanism='...' and the data the mechanism needs."),
  saslCondition("mechanism-too-weak", "9", "The mechanism is weaker than the server's policy requires.", "Choose a stronger mechanism, or use TLS."),
  saslCondition("not-authorized", "10", "Wrong username or password.", "Check both; for PLAIN the text is base64 of \\0username\\0password."),
  saslCondition("temporary-auth-failure", "11", "The server failed to authenticate you for a temporary reason.", "Try again later."),
];

const STREAM_ERROR = ref("error", NS_STREAM);
const SASL_FAILURE = ref("failure", NS_SASL);
/** see-other-host carries the other host as text (RFC 6120 section 4.9.3.19). */
const WITH_TEXT = new Set(["see-other-host"]);

export const ERROR_CONDITION_ELEMENTS: readonly ElementSpec[] = [
  ...STREAM_ERROR_CONDITIONS.map((spec) =>
    element(spec.name, NS_STREAM_ERRORS, STREAM_ERROR, spec.meaning, spec.spec, { content: WITH_TEXT.has(spec.name) ? TEXT : EMPTY }),
  ),
  ...SASL_FAILURE_CONDITIONS.map((spec) => element(spec.name, NS_SASL, SASL_FAILURE, spec.meaning, spec.spec, { content: EMPTY })),
];
