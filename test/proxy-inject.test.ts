/**
 * Inject and intercept on a proxied connection, against the real test ejabberd: what the
 * client receives changes as the person asked, and the transcript marks every change.
 */
import { afterEach, describe, expect, it } from "vitest";
import { xml, type XmlElement } from "@xmpp/client";
import type { ProxyServer } from "../lib/proxy/proxy-server";
import type { ProxyConnection } from "../lib/proxy/proxy-connection";
import { TEST_SERVER } from "../scripts/lib/instances";
import { loggedInClient, ping, startTestProxy, type LoggedClient } from "./proxy-helpers";
import { waitFor } from "./helpers";

const proxies: ProxyServer[] = [];
const clients: LoggedClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((logged) => logged.entity.stop().catch(() => undefined)));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

async function throughProxy(): Promise<{ proxy: ProxyServer; connection: ProxyConnection; alice: LoggedClient }> {
  const proxy = await startTestProxy({ upstream: `127.0.0.1:${TEST_SERVER.ports.starttls}`, transport: "starttls" }, [TEST_SERVER]);
  proxies.push(proxy);
  const alice = await loggedInClient(proxy.port, "alice", "alice");
  clients.push(alice);
  const connection = [...proxy.connections][0]!;
  return { proxy, connection, alice };
}

const bodyOf = (stanza: XmlElement) => (stanza.name === "message" ? stanza.getChildText("body") : null);

describe("inject and intercept on a proxied connection", () => {
  it("injects toward the client as the server and toward the server as the client, each marked injected", async () => {
    const { connection, alice } = await throughProxy();
    const pushed = `injected to the client ${Date.now()}`;
    connection.inject("to-client", `<message from='localhost' type='headline'><body>${pushed}</body></message>`);
    await waitFor(() => alice.stanzas.some((stanza) => bodyOf(stanza) === pushed), "alice receiving the injected message");

    // The server answers an iq the client never wrote: the answer reaches the client as any other.
    connection.inject("to-server", "<iq type='get' id='injected-ping' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>");
    await waitFor(() => alice.stanzas.some((stanza) => stanza.name === "iq" && stanza.attrs.id === "injected-ping" && stanza.attrs.type === "result"), "the server's answer to the injected ping");

    const entries = connection.transcript.since(0);
    const injected = entries.filter((entry) => entry.injected === true);
    expect(injected.map((entry) => [entry.dir, entry.kind])).toEqual([
      ["in", "message"],
      ["out", "iq"],
    ]);
    // The client's own text in its lane is not marked: only what the person injected is.
    expect(entries.filter((entry) => entry.dir === "out" && entry.kind === "bind").map((entry) => entry.injected)).toEqual([undefined]);
    // The injected answer's pair: the result is paired with the injected request.
    const result = entries.find((entry) => entry.dir === "in" && entry.attrs?.id === "injected-ping");
    expect(result?.pair).toBe(injected[1]!.seq);
  });

  it("holds a matching message from the client, forwards it edited, drops another; the rest flows meanwhile", async () => {
    const { proxy, connection, alice } = await throughProxy();
    await alice.entity.send(xml("presence"));
    proxy.intercept = { toServer: true, toClient: false, kind: "message", jid: "", namespace: "", text: "hold-me" };
    const me = (alice.entity.jid?.toString() ?? "").split("/")[0]!;
    await alice.entity.send(xml("message", { to: me, type: "chat" }, xml("body", {}, "hold-me first")));
    await alice.entity.send(xml("message", { to: me, type: "chat" }, xml("body", {}, "hold-me second")));
    await waitFor(() => connection.held.list().length === 2, "both messages held");
    // Held messages do not stop the rest: a ping goes through and back.
    expect(await ping(alice, "while-held")).toBeGreaterThan(0);
    expect(alice.stanzas.some((stanza) => bodyOf(stanza)?.startsWith("hold-me") === true)).toBe(false);

    const [first, second] = connection.held.list();
    expect(connection.release(first!.id, "forward", first!.raw.replace("hold-me first", "edited by the proxy"))).toBe(true);
    expect(connection.release(second!.id, "drop")).toBe(true);
    expect(connection.release(second!.id, "drop")).toBe(false);
    await waitFor(() => alice.stanzas.some((stanza) => bodyOf(stanza) === "edited by the proxy"), "the edited message coming back");
    // Another ping after it: had the dropped one been sent, it would be back by now.
    await ping(alice, "after-release");
    expect(alice.stanzas.some((stanza) => bodyOf(stanza) === "hold-me second")).toBe(false);

    const events = connection.transcript.since(0).filter((entry) => entry.code === "intercepted").map((entry) => entry.raw);
    expect(events).toEqual([
      expect.stringMatching(/^held stanza #1 from the client/),
      expect.stringMatching(/^held stanza #2 from the client/),
      expect.stringMatching(/^forwarded held stanza #1 to the server edited, as: .*edited by the proxy/),
      expect.stringMatching(/^dropped held stanza #2 on its way to the server: .*hold-me second/),
    ]);
  });

  it("holds what the server sends when asked, and forwards it to the client as it was", async () => {
    const { proxy, connection, alice } = await throughProxy();
    // The server's answer to a ping carries no ping child: hold on the id instead.
    proxy.intercept = { toServer: false, toClient: true, kind: "iq", jid: "", namespace: "", text: "held-answer" };
    const answered = ping(alice, "held-answer");
    await waitFor(() => connection.held.list().length === 1, "the server's answer held");
    const [held] = connection.held.list();
    expect(held!.direction).toBe("to-client");
    const lanesBefore = connection.transcript.since(0).filter((entry) => entry.dir === "in" && entry.attrs?.id === "held-answer");
    expect(lanesBefore).toEqual([]);
    connection.release(held!.id, "forward");
    expect(await answered).toBeGreaterThan(0);
    // What the client received is in its lane, byte for byte, once forwarded.
    expect(connection.transcript.since(0).filter((entry) => entry.dir === "in" && entry.attrs?.id === "held-answer").map((entry) => entry.raw)).toEqual([held!.raw]);
  });

  it("refuses to inject into a closed connection, saying why", async () => {
    const { connection } = await throughProxy();
    await connection.close();
    expect(() => connection.inject("to-client", "<message/>")).toThrow(/has closed/);
  });
});
