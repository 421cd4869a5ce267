import { describe, expect, it } from "vitest";
import type { Transport } from "../bridge/protocol";
import { GuidedSession } from "./guided-session";

/**
 * @xmpp/client discovers endpoints by itself (SRV records, XEP-0156 host-meta over HTTP,
 * which follows redirects) whenever its service is a bare domain. The playground must
 * never let it: the service is always a full URI of the checked target.
 */
describe("GuidedSession dials only the target it was given", () => {
  const service = (transport: Transport) => {
    const session = new GuidedSession({
      server: { host: "xmpp.example.org", port: 5222, addresses: ["93.184.216.34"] },
      transport,
      domain: "example.org",
      username: "alice",
      password: "secret",
      mechanism: "PLAIN",
    });
    return (session as unknown as { entity: { options: { service: string } } }).entity.options.service;
  };

  it.each([
    ["plain", "xmpp://xmpp.example.org:5222"],
    ["starttls", "xmpp://xmpp.example.org:5222"],
    ["tls", "xmpps://xmpp.example.org:5222"],
    ["websocket", "ws://93.184.216.34:5222/ws"],
  ] as const)("over %s the service is the full URI %s, never a bare domain to discover", (transport, expected) => {
    expect(service(transport)).toBe(expected);
  });
});
