import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { describe, expect, it } from "vitest";
import { certificateNames, describeConnectionError, describeSaslFailure, describeUnexpectedClose } from "./connection-errors";
import { describeStreamError } from "./stream-end";

const AT = { host: "127.0.0.1", port: 5222, jid: "alice@localhost", bundled: true };

/** An error shaped as Node's net module makes it (code, syscall, address). */
function socketError(code: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

/** @xmpp/sasl's SASLError: name and condition from the <failure/> element (RFC 6120 section 6.5). */
function saslError(condition: string): Error {
  return Object.assign(new Error(condition), { name: "SASLError", condition });
}

const LOCALHOST_CERT = { subject: { CN: "localhost" }, subjectaltname: "DNS:localhost, DNS:conference.localhost, IP Address:127.0.0.1" } as unknown as PeerCertificate;

describe("describeConnectionError", () => {
  it("names the server, the account and the SASL condition for a wrong password", () => {
    const message = describeConnectionError(saslError("not-authorized"), AT);
    expect(message).toBe(
      "127.0.0.1:5222 refused the login for alice@localhost: wrong username or password (SASL <not-authorized/>, RFC 6120 section 6.5.10). Check the password, or use a demo account.",
    );
  });

  it("explains other SASL failures by their RFC 6120 section", () => {
    expect(describeConnectionError(saslError("encryption-required"), AT)).toMatch(/Choose STARTTLS or direct TLS/);
    expect(describeConnectionError(saslError("account-disabled"), AT)).toMatch(/alice@localhost is disabled .*6\.5\.1/);
    expect(describeConnectionError(saslError("temporary-auth-failure"), AT)).toMatch(/Try again/);
    expect(describeConnectionError(saslError("some-new-condition"), AT)).toBe("127.0.0.1:5222 refused the login (SASL <some-new-condition/>, RFC 6120 section 6.5).");
  });

  it("says nothing listens on a refused port, and how to start the bundled server", () => {
    const message = describeConnectionError(socketError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:1"), { host: "127.0.0.1", port: 1 });
    expect(message).toBe(
      "connection refused (ECONNREFUSED): nothing is listening on 127.0.0.1:1. Is the server running, and is that its port? `npm run playground` starts the bundled one.",
    );
  });

  it("says DNS found nothing for an unknown host, naming it", () => {
    const error = socketError("ENOTFOUND", "getaddrinfo ENOTFOUND x.invalid", { hostname: "x.invalid" });
    expect(describeConnectionError(error, { host: "x.invalid", port: 5222 })).toBe("no such host: DNS found nothing for x.invalid (ENOTFOUND). Check the spelling of the host name.");
    expect(describeConnectionError(socketError("EAI_AGAIN", "getaddrinfo EAI_AGAIN x.example"), { host: "x.example", port: 5222 })).toMatch(/DNS could not look up x\.example just now/);
  });

  it("says which names a mismatched certificate covers and which one was checked (Node's own error)", () => {
    const error = checkServerIdentity("wrong.example", LOCALHOST_CERT);
    expect(error).toBeInstanceOf(Error);
    const message = describeConnectionError(error, { host: "127.0.0.1", port: 5223 });
    expect(message).toBe(
      "the certificate presented by 127.0.0.1:5223 is for localhost, conference.localhost, 127.0.0.1, not wrong.example (RFC 6120 section 13.7.2.1). Connect with a name it covers (for example its XMPP domain), or give the server a certificate for wrong.example.",
    );
  });

  it("says an untrusted certificate is self-signed and where to trust it", () => {
    const error = socketError("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate");
    expect(describeConnectionError(error, AT)).toMatch(/^the certificate presented by 127\.0\.0\.1:5222 is not trusted: it is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. .*NODE_EXTRA_CA_CERTS/);
  });

  it("covers timeouts, resets and unreachable networks with the target named", () => {
    expect(describeConnectionError(socketError("ETIMEDOUT", "connect ETIMEDOUT"), AT)).toMatch(/^127\.0\.0\.1:5222 did not answer/);
    expect(describeConnectionError(socketError("ECONNRESET", "read ECONNRESET"), AT)).toMatch(/^127\.0\.0\.1:5222 reset the connection/);
    expect(describeConnectionError(socketError("EHOSTUNREACH", "connect EHOSTUNREACH"), AT)).toMatch(/^no route to 127\.0\.0\.1:5222/);
    expect(describeConnectionError(Object.assign(new Error(""), { name: "TimeoutError" }), AT)).toMatch(/negotiation did not finish in time/);
  });

  it("writes IPv6 targets in brackets, and keeps unknown errors' own text", () => {
    expect(describeConnectionError(socketError("ECONNREFUSED", "x"), { host: "::1", port: 5222 })).toContain("nothing is listening on [::1]:5222");
    expect(describeConnectionError(new Error("something else"), AT)).toBe("something else");
    expect(describeConnectionError("a string", AT)).toBe("a string");
  });
});

describe("describeSaslFailure", () => {
  it("reads a bare condition, as raw mode sees it in the server's <failure/>", () => {
    expect(describeSaslFailure("not-authorized", { host: "127.0.0.1", port: 5224, bundled: true })).toBe(
      "127.0.0.1:5224 refused the login for this account: wrong username or password (SASL <not-authorized/>, RFC 6120 section 6.5.10). Check the password, or use a demo account.",
    );
    expect(describeSaslFailure("not-authorized")).toMatch(/^the server refused the login/);
  });

  it("suggests demo accounts only on the bundled server, which has them", () => {
    expect(describeSaslFailure("not-authorized", { host: "xmpp.example", port: 5222, jid: "alice@example" })).toBe(
      "xmpp.example:5222 refused the login for alice@example: wrong username or password (SASL <not-authorized/>, RFC 6120 section 6.5.10). Check the password.",
    );
  });
});

describe("a stream error during the negotiation (@xmpp/client's StreamError)", () => {
  const streamError = (condition: string, text: string) => Object.assign(new Error(`${condition}${text ? ` - ${text}` : ""}`), { name: "StreamError", condition, text });

  it("is the condition and the server's text, as when it ends an established stream", () => {
    expect(describeConnectionError(streamError("conflict", "Replaced by new connection"))).toBe(describeStreamError("conflict", "Replaced by new connection"));
    expect(describeConnectionError(streamError("reset", ""))).toBe(describeStreamError("reset"));
  });

  it("keeps the server's text to one bounded line", () => {
    const said = describeConnectionError(streamError("undefined-condition", `a\nb${"x".repeat(1000)}`));
    expect(said).toContain('the text "a b');
    expect(said.length).toBeLessThan(600);
  });
});

describe("describeUnexpectedClose", () => {
  const where = { host: "127.0.0.1", port: 5224 };
  const start = "the connection to 127.0.0.1:5224 closed without the server ending the stream (no stream error, no </stream:stream>; RFC 6120 section 4.4): ";

  it("an orderly TCP close with no error is the server hanging up, which it also does to a stream not negotiated in time", () => {
    const said = describeUnexpectedClose(where);
    expect(said).toBe(
      `${start}the server hung up (TCP FIN) without a word. Servers do that when they stop, and to a connection that did not open or negotiate its stream in time. Connect again; if it happens again at once, the server is down or turns this connection away.`,
    );
    expect(said).not.toMatch(/\.\./);
  });

  it("a reset is the server's side tearing the connection down", () => {
    expect(describeUnexpectedClose(where, socketError("ECONNRESET", "read ECONNRESET"))).toBe(
      `${start}the connection was reset (TCP RST, ECONNRESET): the server's process went away, or something between here and the server cut the connection. Connect again once the server is back.`,
    );
  });

  it("any other socket error is the network, named by its code", () => {
    expect(describeUnexpectedClose(where, socketError("ETIMEDOUT", "read ETIMEDOUT"))).toBe(`${start}the network dropped it (ETIMEDOUT). Check the network, then connect again.`);
  });
});

describe("certificateNames", () => {
  it("lists subjectAltName entries, or the common name when there are none", () => {
    expect(certificateNames(LOCALHOST_CERT)).toEqual(["localhost", "conference.localhost", "127.0.0.1"]);
    expect(certificateNames({ subject: { CN: "only.example" } })).toEqual(["only.example"]);
    expect(certificateNames(undefined)).toEqual([]);
  });
});
