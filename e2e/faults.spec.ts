import { readFile } from "node:fs/promises";
import type { Page, WebSocketRoute } from "@playwright/test";
import { expect, test } from "./fixtures";
import { GuidedSession } from "../lib/xmpp/guided-session";
import type { TranscriptEntry } from "../lib/xmpp/entry";
import { findInstanceBeamPids, startLocalServer, stopLocalServer } from "../scripts/lib/ejabberd-local";
import { FAULTS_SERVER } from "../scripts/lib/instances";
import { waitForExit } from "../scripts/lib/processes";
import { certificateFor, startOwnApp, tlsListener, type OtherNameCertificate, type OwnApp } from "./fault-targets";
import { connectOnline, entryList, lanes, pane, ping, sendStanza } from "./workbench-page";

/**
 * Faults, each made for real: ejabberd killed with SIGKILL, the app server (the bridge)
 * killed and started again, the page's WebSocket dropped while messages keep arriving, and
 * connections that cannot succeed. The spec runs its own ejabberd (FAULTS_SERVER) and its
 * own app server, so nothing it kills is shared with another spec.
 */

const OTHER_NAME = "other-name.test";
const UNKNOWN_HOST = "nowhere.invalid"; // RFC 6761: .invalid never resolves
const { ports } = FAULTS_SERVER;

let app: OwnApp | null = null;
let certificate: OtherNameCertificate;
let listener: { port: number; close(): Promise<void> };

function appEnv(): Record<string, string> {
  const bundled = Object.values(ports).flatMap((port) => [`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    // The unreachable targets must pass the allowlist, so the connection itself is what fails.
    XMPP_ALLOWED_HOSTS: [...bundled, "127.0.0.1:1", `${UNKNOWN_HOST}:5222`, `127.0.0.1:${listener.port}`].join(","),
    // Trusted, but for another name: the handshake fails on the name, not on trust.
    NODE_EXTRA_CA_CERTS: certificate.trustBoth,
  };
}

async function ensureApp(): Promise<OwnApp> {
  app ??= await startOwnApp(appEnv());
  return app;
}

async function startXmppServer(options: { fresh?: boolean } = {}): Promise<void> {
  await startLocalServer(FAULTS_SERVER, { ...options, log: () => undefined });
}

async function ensureXmppServer(): Promise<void> {
  if (findInstanceBeamPids(FAULTS_SERVER).length === 0) await startXmppServer();
}

async function openWorkbench(page: Page): Promise<void> {
  await page.goto(`${(await ensureApp()).url}/playground`);
}

const status = (page: Page) => pane(page).getByTestId("connection-status");
const alert = (page: Page) => pane(page).getByRole("form", { name: "Connection" }).getByRole("alert");

test.beforeAll(async () => {
  test.setTimeout(180_000);
  // The server and the app share nothing at start, so both start at once (the app needs only the
  // certificate and the listener).
  await Promise.all([
    // A run that crashed may have left this spec's own server behind (found by its spool folder).
    stopLocalServer(FAULTS_SERVER).then(() => startXmppServer({ fresh: true })),
    (async () => {
      certificate = await certificateFor(OTHER_NAME);
      listener = await tlsListener(certificate);
      await ensureApp();
    })(),
  ]);
});

test.afterAll(async () => {
  await app?.kill("SIGTERM");
  app = null;
  await listener?.close();
  certificate?.remove();
  await stopLocalServer(FAULTS_SERVER);
});

test("ejabberd killed mid-session: the lanes say why, the transcript stays whole, reconnecting works once it is back", async ({ page }) => {
  test.setTimeout(90_000);
  await ensureXmppServer();
  await openWorkbench(page);
  await connectOnline(page, "alice");
  await ping(page, "before-kill");
  const list = entryList(page);
  const lastBefore = Number(await list.getAttribute("data-last-seq"));

  const beams = findInstanceBeamPids(FAULTS_SERVER);
  expect(beams).toHaveLength(1);
  process.kill(beams[0]!, "SIGKILL");
  expect(await waitForExit(beams, 10_000)).toEqual([]);

  const reason = `the connection to 127.0.0.1:${ports.plain} closed without the server ending the stream`;
  await expect(status(page)).toHaveText("Closed");
  await expect(alert(page)).toContainText(reason);
  // The last entry of the lanes is the event that says so.
  await expect(lanes(page).getByTestId("entry-event").last()).toContainText(`closed: ${reason}`);
  // Everything from before is still there, numbered 1..n with no gap, plus the closing event.
  await expect(list).toHaveAttribute("data-first-seq", "1");
  const lastAfter = Number(await list.getAttribute("data-last-seq"));
  expect(lastAfter).toBeGreaterThan(lastBefore);
  await expect(list).toHaveAttribute("data-row-count", String(lastAfter));
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: "before-kill" })).toHaveCount(1);

  // While it is down, connecting again says nothing listens there.
  await pane(page).getByRole("button", { name: "Connect" }).click();
  await expect(alert(page)).toContainText(`nothing is listening on 127.0.0.1:${ports.plain}`);

  await startXmppServer();
  await pane(page).getByRole("button", { name: "Connect" }).click();
  await expect(status(page)).toContainText("Online as alice@localhost/");
  await ping(page, "after-restart");
});

for (const signal of ["SIGKILL", "SIGTERM"] as const) {
  test(`the bridge restarted (${signal}): the page says the session ended and keeps its transcript, across a reload too`, async ({ page }) => {
    test.setTimeout(90_000);
    await ensureXmppServer();
    await openWorkbench(page);
    await connectOnline(page, "alice");
    await ping(page, "before-bridge-restart");
    const list = entryList(page);
    const lastSeq = await list.getAttribute("data-last-seq");

    // SIGKILL is a crash; SIGTERM a deploy, where the server closes its XMPP streams politely first.
    await (await ensureApp()).kill(signal);
    app = null;
    await expect(pane(page).getByText("reconnecting to the bridge…")).toBeVisible();
    await ensureApp();

    await expect(alert(page)).toContainText("The playground server restarted, so this session has ended");
    await expect(alert(page)).toContainText("Your transcript is kept");
    await expect(status(page)).toHaveText("Closed");
    await expect(pane(page).getByText("reconnecting to the bridge…")).toBeHidden();
    await expect(list).toHaveAttribute("data-last-seq", String(lastSeq));
    await expect(list).toHaveAttribute("data-row-count", String(lastSeq));
    await expect(lanes(page).getByTestId("entry-in").filter({ hasText: "before-bridge-restart" })).toHaveCount(1);

    // Kept in this browser's storage too: a reload shows it again, and says why it ended.
    await page.reload();
    await expect(alert(page)).toContainText("The playground server restarted, so this session has ended; its transcript was restored from this browser");
    await expect(list).toHaveAttribute("data-last-seq", String(lastSeq));
    await expect(lanes(page).getByTestId("entry-in").filter({ hasText: "before-bridge-restart" })).toHaveCount(1);

    // And a new session starts on the new bridge.
    await pane(page).getByRole("button", { name: "Connect" }).click();
    await expect(status(page)).toContainText("Online as alice@localhost/");
  });
}

test("the page's link to the bridge drops and comes back while messages arrive: every seq once, in order", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  await ensureXmppServer();
  // Every bridge WebSocket of the page goes through here, so the test can cut it like a network would.
  let cut = false;
  const links: { page: WebSocketRoute; server: WebSocketRoute }[] = [];
  await page.routeWebSocket(/\/bridge$/, (socket) => {
    if (cut) {
      void socket.close({ code: 1006, reason: "cut by the test" }).catch(() => undefined);
      return;
    }
    links.push({ page: socket, server: socket.connectToServer() });
  });
  await openWorkbench(page);
  await connectOnline(page, "alice");
  const aliceJid = (await status(page).textContent())!.replace(/^Online as /, "").trim();

  const bob = new GuidedSession({ server: { host: "127.0.0.1", port: ports.plain }, transport: "plain", domain: "localhost", username: "bob", password: "bob", mechanism: "PLAIN" });
  await bob.connect();
  let sent = 0;
  let sending = true;
  const sender = (async () => {
    while (sending) {
      await bob.send(`<message to="${aliceJid}" type="chat" id="drop-${sent}"><body>drop-${sent}</body></message>`);
      sent++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  try {
    await expect(lanes(page).getByTestId("entry-in").filter({ hasText: "drop-5<" }).first()).toBeVisible();
    cut = true;
    for (const link of links.splice(0)) {
      await link.server.close().catch(() => undefined);
      await link.page.close({ code: 1006, reason: "cut by the test" }).catch(() => undefined);
    }
    await expect(pane(page).getByText("reconnecting to the bridge…")).toBeVisible();
    const sentAtCut = sent;
    // The session lives on in the bridge: messages keep arriving there while the page is cut off.
    await expect.poll(() => sent - sentAtCut, { timeout: 20_000 }).toBeGreaterThanOrEqual(30);
    cut = false;
    await expect(pane(page).getByText("reconnecting to the bridge…")).toBeHidden({ timeout: 15_000 });
    const sentAtRestore = sent;
    await expect.poll(() => sent - sentAtRestore).toBeGreaterThanOrEqual(10);
  } finally {
    sending = false;
    await sender;
  }
  const total = sent;
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: `drop-${total - 1}<` })).toBeVisible();
  await bob.close();

  // The page's own transcript, exported: seqs 1..n once each, and bob's messages all there, in order.
  await pane(page).getByLabel(/^Export \d+ entries$/).click();
  const [download] = await Promise.all([page.waitForEvent("download"), pane(page).getByRole("button", { name: "Transcript (.json)" }).click()]);
  const saved = testInfo.outputPath("after-drop.json");
  await download.saveAs(saved);
  const { entries } = JSON.parse(await readFile(saved, "utf8")) as { entries: TranscriptEntry[] };
  expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, index) => index + 1));
  const bodies = entries.filter((entry) => entry.dir === "in" && entry.kind === "message").map((entry) => /<body>(drop-\d+)<\/body>/.exec(entry.raw)?.[1]);
  expect(bodies).toEqual(Array.from({ length: total }, (_, n) => `drop-${n}`));
  await expect(entryList(page)).toHaveAttribute("data-row-count", String(entries.length));
});

test("each connection that cannot succeed says why and what to do, in guided and raw mode", async ({ page }) => {
  test.setTimeout(90_000);
  await ensureXmppServer();
  // Each attempt's failure, as the bridge sent it: two attempts may well fail alike.
  const failures: string[] = [];
  page.on("websocket", (socket) =>
    socket.on("framereceived", ({ payload }) => {
      const message = JSON.parse(String(payload)) as { op: string; state?: string; message?: string };
      if (message.op === "state" && message.state === "closed") failures.push(message.message ?? "");
      // A name the allowlist cannot resolve is refused before any session exists.
      if (message.op === "failed") failures.push(message.message ?? "");
    }),
  );
  await openWorkbench(page);
  const form = pane(page).getByRole("form", { name: "Connection" });

  async function attempt(options: { mode?: "guided" | "raw"; transport?: string; host?: string; port?: number; password?: string }) {
    await form.getByLabel("JID").fill("alice@localhost");
    await form.getByLabel("Password").fill(options.password ?? "alice");
    await form.getByLabel("Mode").selectOption(options.mode ?? "guided");
    await form.getByLabel("Transport").selectOption({ label: options.transport ?? "Plain TCP (no TLS, loopback only)" });
    const other = form.getByLabel("Another server than the bundled one");
    if (options.host === undefined) {
      await other.uncheck();
    } else {
      await other.check();
      await form.getByLabel("Host").fill(options.host);
      await form.getByLabel("Port", { exact: true }).fill(String(options.port));
    }
    const before = failures.length;
    await form.getByRole("button", { name: "Connect" }).click();
    await expect.poll(() => failures.length).toBe(before + 1);
    // Closed when a session began and ended; never connected when the open itself was refused.
    await expect(status(page)).toHaveText(/^(Closed|Not connected)$/);
  }

  await attempt({ password: "not-the-password" });
  await expect(alert(page)).toHaveText(
    `127.0.0.1:${ports.plain} refused the login for alice@localhost: wrong username or password (SASL <not-authorized/>, RFC 6120 section 6.5.10). Check the password, or use a demo account.`,
  );

  for (const mode of ["guided", "raw"] as const) {
    await attempt({ mode, host: "127.0.0.1", port: 1 });
    await expect(alert(page)).toContainText("connection refused (ECONNREFUSED): nothing is listening on 127.0.0.1:1. Is the server running, and is that its port? `npm run playground` starts the bundled one.");

    await attempt({ mode, host: UNKNOWN_HOST, port: 5222 });
    // The allowlist resolves the name before dialling (server/allowlist.ts), so DNS answers first.
    await expect(alert(page)).toContainText(`${UNKNOWN_HOST} does not resolve (ENOTFOUND); check the name, or the DNS of the machine running the playground.`);
  }

  // Direct TLS to a listener whose (trusted) certificate names another host.
  await attempt({ transport: "Direct TLS", host: "127.0.0.1", port: listener.port });
  await expect(alert(page)).toContainText(`the certificate presented by 127.0.0.1:${listener.port} is for ${OTHER_NAME}, not 127.0.0.1 (RFC 6120 section 13.7.2.1)`);
  // Raw mode checks it against the JID's domain (the TLS server name it sends).
  await attempt({ mode: "raw", transport: "Direct TLS", host: "127.0.0.1", port: listener.port });
  await expect(alert(page)).toContainText(`the certificate presented by 127.0.0.1:${listener.port} is for ${OTHER_NAME}, not localhost (RFC 6120 section 13.7.2.1)`);
});

test("raw mode: a refused password shows in the lanes with what to check, and the stream stays open", async ({ page }) => {
  await ensureXmppServer();
  await openWorkbench(page);
  await pane(page).getByLabel("Mode").selectOption("raw");
  await pane(page).getByRole("button", { name: "Connect" }).click();
  await expect(status(page)).toContainText("raw socket");
  await sendStanza(page, "<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>");
  await expect(lanes(page).getByTestId("entry-in").and(page.locator('[data-kind="features"]'))).toContainText("PLAIN");

  const wrong = Buffer.from("\0alice\0not-the-password").toString("base64");
  await sendStanza(page, `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${wrong}</auth>`);
  await expect(lanes(page).getByTestId("entry-event").filter({ hasText: "authentication failed" })).toContainText(
    `127.0.0.1:${ports.plain} refused the login for this account: wrong username or password (SASL <not-authorized/>, RFC 6120 section 6.5.10)`,
  );
  // RFC 6120 section 6.4.5: the server lets the client try again on the same stream.
  await expect(status(page)).toContainText("raw socket");
});

test("the bridge forgets what the page stored; a reload refills it from the browser, every seq once", async ({ page }) => {
  await ensureXmppServer();
  const sent: { op: string; seq?: number; afterSeq?: number }[] = [];
  const received: { op: string; entries?: TranscriptEntry[] }[] = [];
  page.on("websocket", (socket) => {
    socket.on("framesent", ({ payload }) => sent.push(JSON.parse(String(payload)) as (typeof sent)[number]));
    socket.on("framereceived", ({ payload }) => received.push(JSON.parse(String(payload)) as (typeof received)[number]));
  });
  await openWorkbench(page);
  await connectOnline(page, "alice");
  await ping(page, "before-reload");
  const list = entryList(page);
  const lastSeq = Number(await list.getAttribute("data-last-seq"));
  // The page stores its entries in IndexedDB, then says so: the bridge may drop them.
  await expect.poll(() => Math.max(0, ...sent.filter((message) => message.op === "ack").map((message) => message.seq ?? 0))).toBe(lastSeq);

  sent.length = 0;
  received.length = 0;
  await page.reload();
  await expect(status(page)).toContainText("Online as alice@localhost/");
  const attach = sent.find((message) => message.op === "attach");
  expect(attach?.afterSeq).toBe(lastSeq);
  // Nothing came back from the bridge for what the browser had: its rows are from storage.
  expect(received.flatMap((message) => message.entries ?? []).filter((entry) => entry.seq <= lastSeq)).toEqual([]);
  await expect(list).toHaveAttribute("data-first-seq", "1");
  await expect(list).toHaveAttribute("data-last-seq", String(lastSeq));
  await expect(list).toHaveAttribute("data-row-count", String(lastSeq));
  await expect(lanes(page).getByTestId("entry-in").filter({ hasText: "before-reload" })).toHaveCount(1);

  // And the live part goes on from there, numbered after what was restored.
  await ping(page, "after-reload");
  const lastAfter = await list.getAttribute("data-last-seq");
  expect(Number(lastAfter)).toBeGreaterThan(lastSeq);
  await expect(list).toHaveAttribute("data-row-count", String(lastAfter));
});
