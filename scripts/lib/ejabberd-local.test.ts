/**
 * Real ejabberd, real ports. These instances are the test file's own (ports
 * 25xxx-27xxx, folders .playground/lib-test-*), so they never disturb the
 * TEST_SERVER that other test files share.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archivedMessages, archiveStorage, guardArchive, type Ejabberdctl } from "./archive-guard";
import { certificatePaths } from "./certificates";
import { readConfigTemplate } from "./ejabberd-config";
import { epmdNames } from "./epmd";
import {
  callLocalNode,
  findInstanceBeamPids,
  instancePaths,
  localServerStatus,
  registerLocalUser,
  runLocalEjabberdctl,
  startLocalServer,
  stopLocalServer,
  unregisterLocalUser,
  type StartResult,
} from "./ejabberd-local";
import { fromRepoRoot, TEST_SERVER, type XmppServerInstance } from "./instances";
import { canConnect, isPortFree, sleep } from "./ports";

function throwawayInstance(name: string, base: number): XmppServerInstance {
  return {
    ...TEST_SERVER,
    name,
    dir: `.playground/${name}`,
    node: `xmpp-playground-${name}@localhost`,
    ports: { starttls: base + 222, directTls: base + 223, plain: base + 224, http: base + 280 },
  };
}

const LIFECYCLE = throwawayInstance("lib-test-lifecycle", 25_000);
const CLASH = throwawayInstance("lib-test-clash", 26_000);
const BROKEN = throwawayInstance("lib-test-broken", 27_000);
const portsOf = (instance: XmppServerInstance): number[] => Object.values(instance.ports);

const STREAM_HEADER =
  "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' " +
  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

/** Sends `text` and collects what arrives until `until` matches (or 5 s pass). */
function exchange(socket: net.Socket, text: string, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = "";
    const timer = setTimeout(() => reject(new Error(`No ${until} within 5 s; got: ${received}`)), 5_000);
    const onData = (chunk: Buffer): void => {
      received += chunk.toString("utf8");
      if (until.test(received)) {
        clearTimeout(timer);
        socket.off("data", onData);
        resolve(received);
      }
    };
    socket.on("data", onData);
    socket.write(text);
  });
}

function connectPlain(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" }, () => resolve(socket));
    socket.once("error", reject);
  });
}

const streamFeatures = (socket: net.Socket): Promise<string> => exchange(socket, STREAM_HEADER, /<\/stream:features>/);

/** In-band registration (XEP-0077) over the plaintext listener; returns the iq type. */
async function registerInBand(port: number, username: string, password: string): Promise<string> {
  const socket = await connectPlain(port);
  try {
    await streamFeatures(socket);
    const reply = await exchange(
      socket,
      `<iq type='set' id='reg1'><query xmlns='jabber:iq:register'><username>${username}</username>` +
        `<password>${password}</password></query></iq>`,
      /<iq[^>]*id='reg1'[^>]*\/?>/,
    );
    const iq = /<iq[^>]*id='reg1'[^>]*>/.exec(reply)?.[0] ?? "";
    return /type='(\w+)'/.exec(iq)?.[1] ?? reply;
  } finally {
    socket.destroy();
  }
}

const epmdNodeNames = async (): Promise<string> => (await epmdNames()) ?? "";

afterAll(() => {
  for (const instance of [LIFECYCLE, CLASH, BROKEN]) rmSync(fromRepoRoot(instance.dir), { recursive: true, force: true });
});

describe("a local ejabberd instance, started fresh", () => {
  let started: StartResult;

  beforeAll(async () => {
    await stopLocalServer(LIFECYCLE); // a previous run may have died half-way
    // The first run on a new machine apt-get installs ejabberd (about a minute).
    started = await startLocalServer(LIFECYCLE, { fresh: true, log: () => {} });
  }, 180_000);

  afterAll(async () => {
    await stopLocalServer(LIFECYCLE);
  }, 30_000);

  it("accepts TCP connections on every listener", async () => {
    expect(started.pid).toBeGreaterThan(0);
    for (const port of portsOf(LIFECYCLE)) expect(await canConnect(port, "127.0.0.1"), `port ${port}`).toBe(true);
    const status = await localServerStatus(LIFECYCLE);
    expect(status).toMatchObject({ running: true, pid: started.pid });
    expect(Object.values(status.listening)).toEqual([true, true, true, true]);
  });

  it("offers SASL PLAIN without any TLS on the plaintext listener", async () => {
    const socket = await connectPlain(LIFECYCLE.ports.plain);
    const features = await streamFeatures(socket);
    socket.destroy();
    expect(features).toContain("<mechanism>PLAIN</mechanism>");
    expect(features).not.toContain("urn:ietf:params:xml:ns:xmpp-tls");
  });

  it("offers optional STARTTLS on the STARTTLS listener", async () => {
    const socket = await connectPlain(LIFECYCLE.ports.starttls);
    const features = await streamFeatures(socket);
    socket.destroy();
    expect(features).toMatch(/<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'\/>/); // no <required/>
  });

  it("speaks TLS from the first byte on the direct TLS listener, with the generated certificate", async () => {
    const ca = readFileSync(certificatePaths().cert);
    for (const servername of ["localhost", undefined]) {
      const socket = tls.connect({ port: LIFECYCLE.ports.directTls, host: "127.0.0.1", servername, ca });
      await new Promise((resolve, reject) => socket.once("secureConnect", resolve).once("error", reject));
      expect(socket.authorized, `servername ${servername ?? "(IP)"}`).toBe(true);
      expect(await streamFeatures(socket)).toContain("<mechanism>PLAIN</mechanism>");
      socket.destroy();
    }
  });

  it("serves XMPP over WebSocket at /ws and BOSH at /bosh", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${LIFECYCLE.ports.http}/ws`, "xmpp");
    const opened = await new Promise<string>((resolve, reject) => {
      ws.once("error", reject);
      ws.once("open", () => ws.send("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>"));
      ws.once("message", (data: Buffer) => resolve(data.toString("utf8")));
    });
    ws.close();
    expect(opened).toMatch(/^<open [^>]*xmlns='urn:ietf:params:xml:ns:xmpp-framing'/);

    const bosh = await fetch(`http://127.0.0.1:${LIFECYCLE.ports.http}/bosh`, { method: "OPTIONS" });
    expect(bosh.status).toBe(200);
    expect(bosh.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("has the demo accounts, and registers and removes others on demand", async () => {
    for (const account of LIFECYCLE.accounts) {
      expect(await registerLocalUser(LIFECYCLE, account.username, account.password)).toBe("exists");
    }
    const username = `disposable-${process.pid}`;
    expect(await registerLocalUser(LIFECYCLE, username, "secret")).toBe("created");
    expect(await registerLocalUser(LIFECYCLE, username, "secret")).toBe("exists");
    await unregisterLocalUser(LIFECYCLE, username);
    expect(await registerLocalUser(LIFECYCLE, username, "secret")).toBe("created");
    await unregisterLocalUser(LIFECYCLE, username);
    // Seven ejabberdctl calls, each starting an Erlang VM: about 1.5 s apiece on a quiet machine;
    // a fresh-clone run on a loaded one (load average 10) passed the 20 s default.
  }, 90_000);

  it("keeps the message archive in memory, logged to disk, from its first start (ejabberd/ejabberd.schema)", async () => {
    // On dets (mod_mam's own choice) each stored message reads its account's whole archive
    // first: 200 accounts chatting at 2 messages/s each fell up to 17 s behind (the load case).
    const ctl: Ejabberdctl = (args) => runLocalEjabberdctl(LIFECYCLE, args);
    expect(await archiveStorage(ctl)).toBe("disc_copies");
    const info = await ctl(["mnesia_table_info", "archive_msg"]);
    expect(info.stdout).toMatch(/\{type,\s*bag\}/);
  }, 30_000);

  it("empties the message archive once it holds more than the guard's limit, and keeps it in memory", async () => {
    const ctl: Ejabberdctl = (args) => runLocalEjabberdctl(LIFECYCLE, args);
    const before = await archivedMessages(ctl);
    const [account] = LIFECYCLE.accounts;
    const socket = await connectPlain(LIFECYCLE.ports.plain);
    try {
      await streamFeatures(socket);
      const plain = Buffer.from(`\0${account!.username}\0${account!.password}`).toString("base64");
      await exchange(socket, `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${plain}</auth>`, /<success/);
      await exchange(socket, STREAM_HEADER, /<\/stream:features>/);
      await exchange(socket, "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>", /id='bind'/);
      for (let n = 0; n < 30; n++) socket.write(`<message to='nobody-${process.pid}@localhost' type='chat' id='m${n}'><body>archived ${n}</body></message>`);
      // The c2s process archives each message it sends before it reads the next stanza.
      await exchange(socket, "<iq type='get' id='after' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>", /id='after'/);
    } finally {
      socket.destroy();
    }
    const filled = await archivedMessages(ctl);
    expect(filled).toBeGreaterThanOrEqual(before + 30);

    expect(await guardArchive(ctl, { domain: LIFECYCLE.domain, limitMessages: filled })).toEqual({ messages: filled, emptied: false });
    expect(await guardArchive(ctl, { domain: LIFECYCLE.domain, limitMessages: filled - 1 })).toEqual({ messages: filled, emptied: true });
    // The batched deletion runs in the background.
    const deadline = Date.now() + 20_000;
    while ((await archivedMessages(ctl)) > 0 && Date.now() < deadline) await sleep(250);
    expect(await archivedMessages(ctl)).toBe(0);
    expect(await archiveStorage(ctl)).toBe("disc_copies");
  }, 60_000);

  it("allows in-band registration from loopback, again and again (no per-IP throttle)", async () => {
    for (const n of [1, 2]) {
      expect(await registerInBand(LIFECYCLE.ports.plain, `inband-${process.pid}-${n}`, "pw")).toBe("result");
    }
  });

  it("refuses a second start and says which ports the running one has", async () => {
    const second = startLocalServer(LIFECYCLE, { log: () => {} });
    await expect(second).rejects.toThrow(/already running \(pid \d+\).*c2s STARTTLS 25222.*HTTP WebSocket\/BOSH 25280/);
    expect(findInstanceBeamPids(LIFECYCLE)).toEqual([started.pid]);
  });

  it("stops without leaving a beam of ours, a listening port or its epmd registration", async () => {
    const stopped = await stopLocalServer(LIFECYCLE);
    expect(stopped.wasRunning).toBe(true);
    expect(findInstanceBeamPids(LIFECYCLE)).toEqual([]);
    for (const port of portsOf(LIFECYCLE)) expect(await isPortFree(port), `port ${port}`).toBe(true);
    expect(await epmdNodeNames()).not.toContain(`name ${LIFECYCLE.node.split("@")[0]} `);
    expect((await localServerStatus(LIFECYCLE)).running).toBe(false);
    expect((await stopLocalServer(LIFECYCLE)).wasRunning).toBe(false);
  }, 30_000);
});

describe("a spool whose archive is still a dets file (made before ejabberd.schema)", () => {
  afterAll(async () => {
    await stopLocalServer(LIFECYCLE);
  }, 30_000);

  it("starts and serves, and ejabberd moves the archive into memory itself", async () => {
    await startLocalServer(LIFECYCLE, { fresh: true, log: () => {} });
    expect(await callLocalNode(LIFECYCLE, ["mnesia", "change_table_copy_type", `[archive_msg, '${LIFECYCLE.node}', disc_only_copies]`])).toBe("{atomic, ok}");
    await stopLocalServer(LIFECYCLE);
    expect(existsSync(path.join(instancePaths(LIFECYCLE).spool, "archive_msg.DAT"))).toBe(true);

    // A conversion of the launcher's own here raced ejabberd's and stopped the node (1 start in 9).
    await startLocalServer(LIFECYCLE, { log: () => {} });
    expect(await archiveStorage((args) => runLocalEjabberdctl(LIFECYCLE, args))).toBe("disc_copies");
    expect(await registerInBand(LIFECYCLE.ports.plain, `after-dets-${process.pid}`, "pw")).toBe("result");
  }, 90_000);
});

describe("a start that cannot work", () => {
  it("names a port someone else holds, with the command to find them, and starts nothing", async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(CLASH.ports.plain, "127.0.0.1", resolve));
    try {
      const start = startLocalServer(CLASH, { fresh: true, log: () => {} });
      await expect(start).rejects.toThrow(
        `Port ${CLASH.ports.plain} on 127.0.0.1 (c2s plaintext) is already in use. ` +
          `See who holds it: ss -ltnp 'sport = :${CLASH.ports.plain}'`,
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    expect(findInstanceBeamPids(CLASH)).toEqual([]);
  });

  it("reports ejabberd's [critical] lines for a broken config and leaves nothing running", async () => {
    const brokenTemplate = path.join(os.tmpdir(), `ejabberd-broken-${process.pid}.yml`);
    writeFileSync(brokenTemplate, `${readConfigTemplate()}\nthis_option_does_not_exist: true\n`);
    try {
      const start = startLocalServer(BROKEN, { fresh: true, configTemplate: brokenTemplate, log: () => {} });
      await expect(start).rejects.toThrow(/\[critical\].*Unknown option: this_option_does_not_exist/);
    } finally {
      rmSync(brokenTemplate, { force: true });
    }
    expect(findInstanceBeamPids(BROKEN)).toEqual([]);
    for (const port of portsOf(BROKEN)) expect(await isPortFree(port), `port ${port}`).toBe(true);
    expect(await epmdNodeNames()).not.toContain(`name ${BROKEN.node.split("@")[0]} `);
  }, 60_000);
});
