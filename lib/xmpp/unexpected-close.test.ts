import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { describeUnexpectedClose } from "./connection-errors";
import { RawSession } from "./raw-session";
import { waitFor } from "../../test/helpers";

// A loopback listener that hangs up without a word, as a killed server's kernel does.
const servers: net.Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listenerThatHangsUp(hangUp: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer(hangUp);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("a server that goes away mid-session", () => {
  it.each([
    ["closes its socket (FIN)", (socket: net.Socket) => setTimeout(() => socket.end(), 50), undefined],
    ["resets it (RST)", (socket: net.Socket) => setTimeout(() => socket.resetAndDestroy(), 50), "ECONNRESET"],
  ])("raw: when it %s, the session closes saying the stream was never ended, and how the socket went", async (_, hangUp, code) => {
    const port = await listenerThatHangsUp(hangUp);
    const raw = new RawSession({ server: { host: "127.0.0.1", port }, transport: "plain", domain: "localhost" });
    await raw.connect();
    await waitFor(() => raw.currentState === "closed", "the session to close");
    const last = raw.transcript.since(0).at(-1);
    const cause = code === undefined ? undefined : Object.assign(new Error(code), { code });
    expect(last?.raw).toBe(`closed: ${describeUnexpectedClose({ host: "127.0.0.1", port }, cause)}`);
    expect(last?.raw).toContain(code === undefined ? "the server hung up (TCP FIN)" : "reset (TCP RST, ECONNRESET)");
  });
});
