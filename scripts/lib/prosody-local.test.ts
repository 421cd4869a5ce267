/**
 * Real Prosody, real ports: the test bed's TEST_PROSODY (started by test/vitest-global-setup.ts)
 * and throwaway instances of this file's own, ten ports above it, in .playground/lib-test-prosody-*.
 */
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_PROSODY, type ProsodyInstance } from "./instances";
import { canConnect } from "./ports";
import { findProsodyPids, startProsody, stopProsody } from "./prosody-local";

const STREAM_HEADER =
  "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

function throwaway(name: string, ports: Partial<ProsodyInstance["ports"]> = {}): ProsodyInstance {
  const base = TEST_PROSODY.ports.starttls + 10;
  return { ...TEST_PROSODY, name, dir: `.playground/${name}`, ports: { starttls: base, directTls: base + 1, plain: base + 2, http: base + 58, ...ports } };
}

/** Opens a stream on `port`, sends `more` after the features, and collects what comes until `until`. */
function converse(port: number, until: RegExp, more?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, TEST_PROSODY.host);
    let received = "";
    const timer = setTimeout(() => finish(new Error(`no ${until} within 5 s; got: ${received}`)), 5000);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(received);
    };
    socket.on("data", (chunk: Buffer) => {
      const before = received;
      received += chunk.toString("utf8");
      if (more !== undefined && !before.includes("</stream:features>") && received.includes("</stream:features>")) socket.write(more);
      if (until.test(received)) finish();
    });
    socket.on("close", () => (until.test(received) ? finish() : finish(new Error(`closed without ${until}; got: ${received}`))));
    socket.write(STREAM_HEADER);
  });
}

const started: ProsodyInstance[] = [];
afterAll(async () => {
  await Promise.all(started.map((instance) => stopProsody(instance)));
});

describe("the test bed's Prosody", () => {
  it("offers STARTTLS on its STARTTLS port, and on its plain port neither offers nor accepts it", async () => {
    const offered = await converse(TEST_PROSODY.ports.starttls, /<\/stream:features>/);
    expect(offered).toContain("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'");

    const plain = await converse(TEST_PROSODY.ports.plain, /<\/stream:features>/);
    expect(plain).not.toContain("urn:ietf:params:xml:ns:xmpp-tls");
    expect(plain).toContain("<mechanism>PLAIN</mechanism>");
    // RFC 6120 section 5.4.2.2: <failure/>, then the server closes the stream.
    const refused = await converse(TEST_PROSODY.ports.plain, /<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'\/>/, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    expect(refused).toContain("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  });

  it("is not started twice: a second start names the running pid", async () => {
    await expect(startProsody(TEST_PROSODY)).rejects.toThrow(/already running \(pid \d+\)/);
  });
});

describe("startProsody and stopProsody", () => {
  it("start in seconds, with every listener open, and stop with every port closed", async () => {
    const instance = throwaway("lib-test-prosody-lifecycle");
    started.push(instance);
    const result = await startProsody(instance, { fresh: true });
    expect(result.listeningMs).toBeLessThan(10_000);
    expect(findProsodyPids(instance)).toEqual([result.pid]);
    expect(await Promise.all(Object.values(instance.ports).map((port) => canConnect(port, instance.host)))).toEqual([true, true, true, true]);
    const stopped = await stopProsody(instance);
    expect(stopped.wasRunning).toBe(true);
    expect(findProsodyPids(instance)).toEqual([]);
    expect(await Promise.all(Object.values(instance.ports).map((port) => canConnect(port, instance.host)))).toEqual([false, false, false, false]);
  });

  it("say why it did not come up, with the end of its log, and leave nothing running", async () => {
    // Direct TLS on the STARTTLS port: the second service cannot bind it.
    const instance = throwaway("lib-test-prosody-clash");
    instance.ports.directTls = instance.ports.starttls;
    started.push(instance);
    await expect(startProsody(instance, { fresh: true })).rejects.toThrow(/did not start: it could not open a listening port\.\n[\s\S]*portmanager\s+error[\s\S]*Full log: \.playground\/lib-test-prosody-clash\/prosody\.log/);
    expect(findProsodyPids(instance)).toEqual([]);
  });
});
