import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { allowlistFrom } from "../allowlist";
import { ensureProxyCertificate } from "../../scripts/lib/certificates";
import type { ProxyStartRequest } from "../../lib/bridge/protocol-proxy";
import { MAX_PROXIES_VARIABLE, ProxyHub, maxProxiesFromEnv } from "./proxy-hub";

// Nothing listens upstream: these tests are about the listener, not the relay.
const UPSTREAM = { host: "127.0.0.1", port: 9 };
const REQUEST: ProxyStartRequest = { op: "proxy-start", ref: "1", upstream: UPSTREAM, transport: "starttls", clientSide: "starttls" };
const allowlist = allowlistFrom(undefined, [`${UPSTREAM.host}:${UPSTREAM.port}`]);
const settings = { listenHost: "127.0.0.1", ports: { first: 0, last: 0 }, maxConnections: 2, idleMs: 5_000, maxStanzaChars: 65_536 };
const hubs: ProxyHub[] = [];

// Shorter than the idle limit (settings.idleMs), so each rule is seen on its own.
const DETACHED_MS = 3_000;

function hub(maxProxies = 2, clock?: () => number): ProxyHub {
  const made = new ProxyHub({ settings, maxProxies, certificate: ensureProxyCertificate, detachedMs: DETACHED_MS, ...(clock ? { clock } : {}) });
  hubs.push(made);
  return made;
}

const quiet = { onConnection: () => undefined, onClosed: () => undefined };
const page = (tab: object = {}, owner: string | null = "browser-1") => ({ tab, owner });
const adopt = () => ({});

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((made) => made.closeAll()));
});

describe("ProxyHub", () => {
  it("starts a proxy on loopback with the certificate's fingerprint and PEM, never the key", async () => {
    const info = await hub().start(REQUEST, allowlist, page(), adopt, quiet);
    expect(info.address).toBe(`127.0.0.1:${info.port}`);
    expect(info.upstream).toBe("127.0.0.1:9");
    expect(info.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(info.certificate).toContain("BEGIN CERTIFICATE");
    expect(info.certificate).not.toContain("PRIVATE KEY");
    // It listens: a client can connect.
    const socket = net.connect(info.port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    socket.destroy();
  });

  it("refuses a server off the allowlist: it is not an open relay", async () => {
    await expect(hub().start({ ...REQUEST, upstream: { host: "127.0.0.1", port: 5999 } }, allowlist, page(), adopt, quiet)).rejects.toThrow(/allow/i);
  });

  it("limits the proxies of the process, naming the variable", async () => {
    const made = hub(1);
    await made.start(REQUEST, allowlist, page(), adopt, quiet);
    await expect(made.start(REQUEST, allowlist, page(), adopt, quiet)).rejects.toThrow(MAX_PROXIES_VARIABLE);
    expect(() => maxProxiesFromEnv({ [MAX_PROXIES_VARIABLE]: "zero" })).toThrow(MAX_PROXIES_VARIABLE);
    expect(maxProxiesFromEnv({})).toBe(4);
  });

  it("lets only the page that started a proxy drive it; a reload detaches it, and only its browser's page with the token takes it back", async () => {
    let now = 1_000;
    const made = hub(2, () => now);
    const tab = {};
    const closed: string[] = [];
    const info = await made.start(REQUEST, allowlist, page(tab), adopt, { onConnection: () => undefined, onClosed: (why) => closed.push(why) });
    expect(() => made.setIntercept(info.proxyId, {}, null)).toThrow(/another page/);
    made.setIntercept(info.proxyId, tab, { toServer: true, toClient: false, kind: "", jid: "", namespace: "", text: "x" });

    made.detachTab(tab);
    expect(() => made.setIntercept(info.proxyId, tab, null)).toThrow(/another page/);
    const reloaded = {};
    expect(() => made.reattach(info.proxyId, "not-the-token", "browser-1", reloaded, quiet)).toThrow(/not yours/);
    expect(() => made.reattach(info.proxyId, info.token, "browser-2", reloaded, quiet)).toThrow(/not yours/);
    now += DETACHED_MS;
    made.sweep();
    const running = made.reattach(info.proxyId, info.token, "browser-1", reloaded, { onConnection: () => undefined, onClosed: (why) => closed.push(why) });
    // Still running, with the filter it held by: the reload lost nothing.
    expect(running.stopped).toBeNull();
    expect(running.server.intercept?.text).toBe("x");
    made.setIntercept(info.proxyId, reloaded, null);
    expect(closed).toEqual([]);

    // A page that never comes back: the proxy stops, saying which variable set the wait.
    made.detachTab(reloaded);
    now += DETACHED_MS + 1;
    made.sweep();
    await expect.poll(() => made.count).toBe(0);
    expect(made.reattach(info.proxyId, info.token, "browser-1", {}, quiet).stopped?.message).toMatch(/BRIDGE_DETACHED_TIMEOUT_MS/);
  });

  it("stops a proxy no client used for the idle limit, naming the variable", async () => {
    let now = 1_000;
    const made = hub(2, () => now);
    const closed: string[] = [];
    await made.start(REQUEST, allowlist, page(), adopt, { onConnection: () => undefined, onClosed: (why) => closed.push(why) });
    now += settings.idleMs;
    made.sweep();
    expect(made.count).toBe(1);
    now += 1;
    made.sweep();
    await expect.poll(() => closed).toEqual([expect.stringContaining("PROXY_IDLE_SECONDS")]);
    expect(made.count).toBe(0);
  });
});
