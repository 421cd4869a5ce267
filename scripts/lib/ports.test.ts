import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { UserFacingError } from "./errors";
import { assertPortsFree, canConnect, isPortFree, waitForPort } from "./ports";

const servers: net.Server[] = [];

function listen(port: number, host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen({ port, host }, () => resolve(server));
    servers.push(server);
  });
}

/** A port the kernel just handed out and that nobody holds now. */
async function unusedPort(): Promise<number> {
  const server = await listen(0, "127.0.0.1");
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe("isPortFree", () => {
  it("is false while someone listens on the port and true once they stop", async () => {
    const port = await unusedPort();
    const server = await listen(port, "127.0.0.1");
    expect(await isPortFree(port, "127.0.0.1")).toBe(false);
    await new Promise((resolve) => server.close(resolve));
    expect(await isPortFree(port, "127.0.0.1")).toBe(true);
  });

  it("sees a listener bound to every interface when asked about 127.0.0.1", async () => {
    const port = await unusedPort();
    await listen(port, "0.0.0.0");
    expect(await isPortFree(port, "127.0.0.1")).toBe(false);
  });
});

describe("assertPortsFree", () => {
  it("names every busy port, its use and the command that shows its owner", async () => {
    const [busyA, busyB, free] = [await unusedPort(), await unusedPort(), await unusedPort()];
    await listen(busyA, "127.0.0.1");
    await listen(busyB, "127.0.0.1");
    const error = await assertPortsFree(
      [
        { port: busyA, label: "c2s plaintext" },
        { port: free, label: "HTTP" },
        { port: busyB },
      ],
      "a hint",
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserFacingError);
    const message = (error as Error).message;
    expect(message).toContain(
      `Port ${busyA} on 127.0.0.1 (c2s plaintext) is already in use. See who holds it: ss -ltnp 'sport = :${busyA}'`,
    );
    expect(message).toContain(`Port ${busyB} on 127.0.0.1 is already in use`);
    expect(message).toContain("a hint");
    expect(message).not.toContain(`Port ${free} `);
  });

  it("resolves when every port is free", async () => {
    await expect(assertPortsFree([{ port: await unusedPort() }])).resolves.toBeUndefined();
  });
});

describe("waitForPort", () => {
  it("resolves once a server starts listening", async () => {
    const port = await unusedPort();
    expect(await canConnect(port)).toBe(false);
    setTimeout(() => void listen(port, "127.0.0.1"), 200);
    const waited = await waitForPort(port, "127.0.0.1", 5_000);
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(await canConnect(port)).toBe(true);
  });

  it("gives up after its timeout with a message naming the address", async () => {
    const port = await unusedPort();
    const started = Date.now();
    await expect(waitForPort(port, "127.0.0.1", 300)).rejects.toThrow(`127.0.0.1:${port} within 0.3 s`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
