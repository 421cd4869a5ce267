/**
 * Low-level connection failures (socket errno codes, TLS verification codes, SASL failure
 * conditions) turned into one sentence that names the target and says what to do.
 * Pure functions: no sockets here, so every mapping is unit-tested (connection-errors.test.ts).
 */
import { describeStreamError, oneBoundedLine } from "./stream-end";

/** What was being dialled, so a message can name it. */
export interface ConnectionContext {
  host: string;
  port: number;
  /** The account logging in, for SASL failures. */
  jid?: string;
  /** The name TLS checked the certificate against, when not the host. */
  tlsName?: string;
  /** The playground's own server, whose demo accounts a message may suggest. */
  bundled?: boolean;
}

interface ErrorFields {
  code?: string;
  condition?: string;
  /** The <text/> of a stream error, as @xmpp/client's StreamError carries it. */
  text?: string;
  name?: string;
  message?: string;
  hostname?: string;
  /** OpenSSL's own words, on TLS errors. */
  reason?: string;
  host?: string;
  cert?: { subject?: { CN?: string | string[] }; subjectaltname?: string; valid_to?: string };
}

const BUNDLED_HINT = "`npm run playground` starts the bundled one";

/** RFC 6120 section 6.5: what each SASL failure condition means for the person logging in. */
const SASL_FAILURES: Record<string, (who: string, bundled: boolean) => string> = {
  // Demo accounts exist on the bundled server only; elsewhere the advice would send people looking for nothing.
  "not-authorized": (who, bundled) => `refused the login for ${who}: wrong username or password (SASL <not-authorized/>, RFC 6120 section 6.5.10). Check the password${bundled ? ", or use a demo account" : ""}`,
  "account-disabled": (who) => `says the account ${who} is disabled (SASL <account-disabled/>, RFC 6120 section 6.5.1). Ask the server's administrator, or use another account`,
  "credentials-expired": (who) => `says the password of ${who} has expired (SASL <credentials-expired/>, RFC 6120 section 6.5.2). Change it with another client, then log in again`,
  "encryption-required": () => `wants TLS before this SASL mechanism (SASL <encryption-required/>, RFC 6120 section 6.5.3). Choose STARTTLS or direct TLS`,
  "invalid-mechanism": () => `does not support that SASL mechanism (SASL <invalid-mechanism/>, RFC 6120 section 6.5.5). Pick one the server offers in its <mechanisms/>`,
  "mechanism-too-weak": () => `finds that SASL mechanism too weak for this account (SASL <mechanism-too-weak/>, RFC 6120 section 6.5.7). Pick SCRAM-SHA-1, or connect with TLS`,
  "temporary-auth-failure": () => `could not check the credentials just now (SASL <temporary-auth-failure/>, RFC 6120 section 6.5.11). Try again in a moment`,
  "malformed-request": () => `could not read the SASL request (SASL <malformed-request/>, RFC 6120 section 6.5.6)`,
  aborted: () => `saw the SASL exchange aborted (SASL <aborted/>, RFC 6120 section 6.5.1)`,
};

/** Node's TLS verification codes for a certificate chain nobody here trusts. */
const UNTRUSTED_CERT_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "it is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "its chain ends in a self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "no trusted authority signed it",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "its issuer is not among the trusted authorities",
  UNABLE_TO_GET_ISSUER_CERT: "its issuer is not among the trusted authorities",
};

/** One sentence for a failed or broken connection; falls back to the error's own text. */
export function describeConnectionError(error: unknown, context?: ConnectionContext): string {
  if (!(error instanceof Error)) return String(error);
  const fields = error as Error & ErrorFields;
  const where = context ? formatAddress(context.host, context.port) : undefined;
  const target = where ?? "the server";

  if (fields.condition !== undefined && fields.name === "SASLError") return describeSaslFailure(fields.condition, context);

  switch (fields.code) {
    case "ECONNREFUSED":
      return `connection refused (ECONNREFUSED): nothing is listening on ${where ?? "that address"}. Is the server running, and is that its port? ${BUNDLED_HINT}.`;
    case "ENOTFOUND":
      return `no such host: DNS found nothing for ${fields.hostname ?? context?.host ?? "that name"} (ENOTFOUND). Check the spelling of the host name.`;
    case "EAI_AGAIN":
      return `DNS could not look up ${fields.hostname ?? context?.host ?? "that name"} just now (EAI_AGAIN). Check the name and this machine's network, then try again.`;
    case "ETIMEDOUT":
      return `${target} did not answer the connection (ETIMEDOUT): the host may be down, or a firewall drops the packets. Check the host and port.`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `no route to ${target} (${fields.code}): this machine cannot reach that network. Check the address.`;
    case "ECONNRESET":
      return `${target} reset the connection (ECONNRESET): the server went away or refused to talk. Is it an XMPP client port, with the right TLS setting (direct TLS or STARTTLS)?`;
    case "EPIPE":
      return `${target} closed the connection while the bridge was still writing (EPIPE). Connect again.`;
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return certificateMismatch(fields, target, context);
    case "ERR_SSL_WRONG_VERSION_NUMBER":
    case "ERR_SSL_PACKET_LENGTH_TOO_LONG":
      // OpenSSL read the first bytes as a TLS record header and found none: the peer is not speaking TLS.
      return `${target} answered the TLS handshake with something that is not TLS (OpenSSL: ${fields.reason ?? fields.code}): that port speaks plain XMPP, where TLS starts only after <starttls/> (RFC 6120 section 5), not TLS from the first byte (XEP-0368). Choose TCP with STARTTLS for this port (or plain TCP, loopback only), or dial the server's direct TLS port.`;
    case "CERT_HAS_EXPIRED":
      return `the certificate presented by ${target} expired${fields.cert?.valid_to ? ` on ${fields.cert.valid_to}` : ""} (CERT_HAS_EXPIRED). The server's administrator must renew it.`;
  }
  if (fields.code !== undefined && fields.code in UNTRUSTED_CERT_CODES) {
    return `the certificate presented by ${target} is not trusted: ${UNTRUSTED_CERT_CODES[fields.code]} (${fields.code}). The bridge trusts the system's authorities plus NODE_EXTRA_CA_CERTS: add the server's certificate there, or use a certificate from a public authority.`;
  }
  if (fields.name === "TimeoutError") {
    return `${target} accepted the connection but the XMPP negotiation did not finish in time. Is it an XMPP client port, with the right TLS setting (direct TLS or STARTTLS)?`;
  }
  // @xmpp/client writes to a socket that is already gone when the peer hangs up mid-negotiation.
  if (error instanceof TypeError && /reading 'write'/.test(error.message)) {
    return `${target} closed the connection during the XMPP negotiation. Is it an XMPP client port, with the right TLS setting (direct TLS or STARTTLS)?`;
  }
  if (fields.name === "StreamError" && fields.condition === "host-unknown") {
    return `${target} does not serve the domain of this JID (stream error <host-unknown/>, RFC 6120 section 4.9.3.6). Check the part after @, or the server's hosts.`;
  }
  // The server ended the stream during the negotiation (RFC 6120 section 4.9): its condition and its words.
  if (fields.name === "StreamError" && fields.condition !== undefined) return describeStreamError(fields.condition, oneBoundedLine(fields.text ?? ""));
  if (fields.condition !== undefined) return `${fields.condition}: ${error.message}`;
  return error.message;
}

/** A SASL <failure/> (RFC 6120 section 6.5) by its condition, naming the server and the account. */
export function describeSaslFailure(condition: string, context?: ConnectionContext): string {
  const target = context ? formatAddress(context.host, context.port) : "the server";
  const sentence = SASL_FAILURES[condition];
  return sentence ? `${target} ${sentence(context?.jid ?? "this account", context?.bundled === true)}.` : `${target} refused the login (SASL <${condition}/>, RFC 6120 section 6.5).`;
}

/**
 * The TCP connection ended with no stream error and no closing </stream:stream> from the server
 * (RFC 6120 section 4.4 says a server closes its stream first). What the socket saw tells how:
 * an orderly TCP close (FIN, no error) is the server hanging up, a reset (RST) is its side
 * tearing the connection down, any other error is the network.
 */
export function describeUnexpectedClose(context: ConnectionContext, cause?: unknown): string {
  const code = (cause as ErrorFields | undefined)?.code;
  const start = `the connection to ${formatAddress(context.host, context.port)} closed without the server ending the stream (no stream error, no </stream:stream>; RFC 6120 section 4.4)`;
  if (code === undefined) {
    return `${start}: the server hung up (TCP FIN) without a word. Servers do that when they stop, and to a connection that did not open or negotiate its stream in time. Connect again; if it happens again at once, the server is down or turns this connection away.`;
  }
  if (code === "ECONNRESET") {
    return `${start}: the connection was reset (TCP RST, ECONNRESET): the server's process went away, or something between here and the server cut the connection. Connect again once the server is back.`;
  }
  return `${start}: the network dropped it (${code}). Check the network, then connect again.`;
}

/**
 * RFC 6120 section 13.7.2.1: the certificate must name the domain the client asked for.
 * Node's error carries the checked name (`host`) and the certificate presented.
 */
function certificateMismatch(fields: ErrorFields, target: string, context?: ConnectionContext): string {
  const checked = fields.host ?? context?.tlsName ?? context?.host ?? "the name dialled";
  const names = certificateNames(fields.cert);
  const covers = names.length > 0 ? names.join(", ") : "other names";
  return `the certificate presented by ${target} is for ${covers}, not ${checked} (RFC 6120 section 13.7.2.1). Connect with a name it covers (for example its XMPP domain), or give the server a certificate for ${checked}.`;
}

/** The names a certificate covers: its subjectAltName entries, else its common name. */
export function certificateNames(cert: ErrorFields["cert"]): string[] {
  const alt = (cert?.subjectaltname ?? "")
    .split(",")
    .map((part) => part.trim().replace(/^(DNS|IP Address):/, ""))
    .filter(Boolean);
  if (alt.length > 0) return alt;
  const common = cert?.subject?.CN;
  return common === undefined ? [] : [common].flat();
}

function formatAddress(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}
