import net from "node:net";
import { describe, expect, it } from "vitest";
import { pinnedLookup } from "./pinned-lookup";

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
