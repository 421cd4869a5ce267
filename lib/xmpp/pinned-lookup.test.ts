import net from "node:net";
import { describe, expect, it } from "vitest";
import type { Client } from "@xmpp/client";
import { pinClientSockets, pinnedLookup } from "./pinned-lookup";

type Answer = { error: NodeJS.ErrnoException | null; address: unknown; family?: number };

function ask(lookup: ReturnType<typeof pinnedLookup>, options: Parameters<ReturnType<typeof pinnedLookup>>[1]): Promise<Answer> {
  return new Promise((resolve) => lookup("xmpp.example.org", options, (error, address, family) => resolve({ error, address, family })));
}

describe("pinnedLookup", () => {
  const lookup = pinnedLookup(["93.184.216.34", "2001:db8::1"]);

  it("answers with the checked addresses whatever the name, one or all, by family", async () => {
    expect(await ask(lookup, {})).toEqual({ error: null, address: "93.184.216.34", family: 4 });
    expect(await ask(lookup, { all: true })).toMatchObject({ address: [{ address: "93.184.216.34", family: 4 }, { address: "2001:db8::1", family: 6 }] });
    expect(await ask(lookup, { family: 6 })).toEqual({ error: null, address: "2001:db8::1", family: 6 });
  });

  it("fails rather than resolve when no checked address has the family asked for", async () => {
    const answer = await ask(pinnedLookup(["127.0.0.1"]), { family: 6 });
    expect(answer.error?.code).toBe("ENOTFOUND");
  });

  it("is what a socket dials: a name that does not exist reaches the checked address", async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    const socket = net.connect({ host: "no-such-name.invalid", port, lookup: pinnedLookup(["127.0.0.1"]) });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    expect(socket.remoteAddress).toBe("127.0.0.1");
    socket.destroy();
    server.close();
  });
});

describe("pinnedLookup: the family a socket asks for", () => {
  const lookup = pinnedLookup(["2001:db8::1", "93.184.216.34", "2001:db8::2"]);

  it("reads the family by name as well as by number", async () => {
    expect(await ask(lookup, { family: "IPv4" } as never)).toEqual({ error: null, address: "93.184.216.34", family: 4 });
    expect(await ask(lookup, { family: "IPv6" } as never)).toEqual({ error: null, address: "2001:db8::1", family: 6 });
  });

  it("answers all the checked addresses of one family, and only those", async () => {
    expect(await ask(lookup, { all: true, family: 6 })).toEqual({ error: null, address: [{ address: "2001:db8::1", family: 6 }, { address: "2001:db8::2", family: 6 }], family: undefined });
    expect(await ask(lookup, { all: true, family: 0 })).toMatchObject({ address: [{ address: "2001:db8::1" }, { address: "93.184.216.34" }, { address: "2001:db8::2" }] });
  });

  it("says which family it had nothing for, and for which name", async () => {
    const answer = await ask(pinnedLookup(["127.0.0.1"]), { family: 6 });
    expect(answer).toMatchObject({ address: "", family: 0 });
    expect(answer.error?.message).toBe("no checked IPv6 address for xmpp.example.org");
  });
});

describe("pinClientSockets", () => {
  /** Stands for @xmpp/client's entity: its Connection#socketParameters, as the library has it. */
  function entity(answer: (service: string) => unknown): Client & { calls: unknown[] } {
    const calls: unknown[] = [];
    return {
      calls,
      socketParameters(this: unknown, service: string) {
        calls.push(this);
        return answer(service);
      },
    } as unknown as Client & { calls: unknown[] };
  }
  const params = (client: Client, service: string) => (client as unknown as { socketParameters(service: string): Record<string, unknown> }).socketParameters(service);

  it("gives the TCP and TLS sockets the pinned lookup and the name as the TLS server name", async () => {
    const client = entity(() => ({ host: "xmpp.example.org", port: 5223 }));
    pinClientSockets(client, ["93.184.216.34"]);
    const given = params(client, "xmpps://xmpp.example.org:5223");
    expect(given).toMatchObject({ host: "xmpp.example.org", port: 5223, servername: "xmpp.example.org" });
    const lookup = given.lookup as ReturnType<typeof pinnedLookup>;
    expect(await ask(lookup, {})).toEqual({ error: null, address: "93.184.216.34", family: 4 });
    expect(client.calls).toEqual([client]);
  });

  it("sends no server name for an address (RFC 6066 section 3 names hosts only)", () => {
    const client = entity(() => ({ host: "127.0.0.1", port: 5222 }));
    pinClientSockets(client, ["127.0.0.1"]);
    const given = params(client, "xmpp://127.0.0.1:5222");
    expect(given).not.toHaveProperty("servername");
    expect(given).toHaveProperty("lookup");
  });

  it("gives options without a host the lookup and no server name", () => {
    const client = entity(() => ({ port: 5222 }));
    pinClientSockets(client, ["127.0.0.1"]);
    const given = params(client, "xmpp://127.0.0.1:5222");
    expect(Object.keys(given).sort()).toEqual(["lookup", "port"]);
  });

  it("leaves what is not socket options alone: the WebSocket transport's URL, or nothing", () => {
    const url = entity(() => "wss://xmpp.example.org/ws");
    pinClientSockets(url, ["93.184.216.34"]);
    expect(params(url, "wss://xmpp.example.org/ws")).toBe("wss://xmpp.example.org/ws");
    const none = entity(() => null);
    pinClientSockets(none, ["93.184.216.34"]);
    expect(params(none, "x")).toBeNull();
  });

  it("fails loudly when the library no longer has the hook", () => {
    expect(() => pinClientSockets({} as Client, ["127.0.0.1"])).toThrow("@xmpp/client no longer has Connection#socketParameters; lib/xmpp/pinned-lookup.ts must be updated for this version");
  });
});
