import { describe, expect, it } from "vitest";
import { defaultDomain, parseHostPort, parsePortRange, proxySettingsFromEnv } from "./launch-proxy";

describe("the proxy's settings and targets", () => {
  it("reads HOST:PORT and [IPv6]:PORT, and refuses what is neither", () => {
    expect(parseHostPort("127.0.0.1:5222")).toEqual({ host: "127.0.0.1", port: 5222 });
    expect(parseHostPort("[::1]:5223")).toEqual({ host: "::1", port: 5223 });
    expect(parseHostPort("xmpp.example.org:5222")).toEqual({ host: "xmpp.example.org", port: 5222 });
    expect(() => parseHostPort("localhost")).toThrow(/is not HOST:PORT/);
    expect(() => parseHostPort("localhost:70000")).toThrow(/is not HOST:PORT/);
  });

  it("reads one port or a range, naming the variable when it cannot", () => {
    expect(parsePortRange("5400-5409", "PROXY_PORTS")).toEqual({ first: 5400, last: 5409 });
    expect(parsePortRange("5400", "PROXY_PORTS")).toEqual({ first: 5400, last: 5400 });
    expect(() => parsePortRange("5409-5400", "PROXY_PORTS")).toThrow(/PROXY_PORTS="5409-5400"/);
  });

  it("listens on loopback with bounded limits unless the operator says otherwise", () => {
    expect(proxySettingsFromEnv({})).toEqual({ listenHost: "127.0.0.1", ports: { first: 5400, last: 5499 }, maxConnections: 16, idleMs: 600_000, maxStanzaChars: 1_048_576 });
    expect(proxySettingsFromEnv({ PROXY_MAX_CONNECTIONS: "2", PROXY_IDLE_SECONDS: "5" })).toMatchObject({ maxConnections: 2, idleMs: 5000 });
    expect(() => proxySettingsFromEnv({ PROXY_MAX_CONNECTIONS: "0" })).toThrow(/PROXY_MAX_CONNECTIONS="0"/);
  });

  it("takes the host as the XMPP domain, and localhost for an address", () => {
    expect(defaultDomain("xmpp.example.org")).toBe("xmpp.example.org");
    expect(defaultDomain("127.0.0.1")).toBe("localhost");
    expect(defaultDomain("::1")).toBe("localhost");
  });
});
