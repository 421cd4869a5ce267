import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import tls from "node:tls";
import type { Locator } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ensureProxyCertificate } from "../scripts/lib/certificates";
import { CERTS, E2E_PROXY_PORTS, REPO_ROOT, fromRepoRoot } from "../scripts/lib/instances";
import { TEST_CLIENT_PACKAGES, ensureDebianPackage } from "../scripts/lib/system-packages";

/**
 * Proxy mode in the page, with a client nobody here wrote: slixmpp (python3-slixmpp,
 * test/clients/slixmpp-client.py) logs in through a proxy started in the workbench, on a
 * disposable account of its own (safe beside other specs). The page holds the message it
 * sends itself and forwards it edited; it injects a headline toward it; the client's own log
 * proves it got both, and the lanes filled while it ran. A reload in the middle loses nothing:
 * the proxy, the client's connection, its lanes and the held message are all still there. Last,
 * a client that refuses the proxy's certificate is told in the page, with the fingerprint.
 */

const SLIXMPP_SCRIPT = path.join(REPO_ROOT, "test/clients/slixmpp-client.py");
/** In-band registration on the worker's own ejabberd (e2e/worlds.ts). */
interface SlixmppReport {
  received: string[];
  message_back: boolean;
  waited_for?: string;
  ping_rtt_ms: number | null;
  error: string | null;
}

function runSlixmpp(python: string, args: string[]): Promise<SlixmppReport> {
  return new Promise((resolve, reject) => {
    execFile(python, [SLIXMPP_SCRIPT, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout) as SlixmppReport);
      } catch {
        reject(new Error(`slixmpp printed no report (${error?.message ?? "no error"}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

/**
 * A client that asks for STARTTLS (RFC 6120 section 5.4.2) and then trusts only the servers'
 * certificate, not the proxy's: its handshake fails, as a real client's would.
 */
function distrustfulClient(port: number): net.Socket {
  const socket = net.connect({ host: "127.0.0.1", port }, () => {
    socket.write("<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  });
  let read = "";
  const onData = (chunk: Buffer) => {
    read += chunk.toString("utf8");
    if (!read.includes("<proceed")) return;
    socket.off("data", onData);
    tls.connect({ socket, servername: "localhost", ca: readFileSync(fromRepoRoot(CERTS.cert)) }).on("error", () => undefined);
  };
  socket.on("data", onData);
  socket.on("error", () => undefined);
  return socket;
}

async function fill(form: Locator, label: string, value: string) {
  await form.getByLabel(label, { exact: true }).fill(value);
}

test("a slixmpp client through a proxy started in the page: live lanes, a held message forwarded edited, an injected one it logs", async ({ page, world, freshAccount: account }, testInfo) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1400, height: 1000 });
  const python = await ensureDebianPackage(TEST_CLIENT_PACKAGES[0]!);
  const jid = `${account.username}@localhost`;
  const stamp = Date.now();
  const heldBody = `hold-me ${stamp}`;
  const editedBody = `edited in the page ${stamp}`;
  const injectedBody = `injected by the page ${stamp}`;
  await page.goto("/playground");
  await page.getByRole("button", { name: "Proxy a client" }).click();
  const panel = page.getByTestId("proxy-panel");
  const start = panel.getByRole("form", { name: "Start a proxy" });
  await fill(start, "Server host", "127.0.0.1");
  await fill(start, "Port", String(world.server.ports.starttls));
  await start.getByRole("button", { name: "Start proxy" }).click();

  const address = (await panel.getByTestId("proxy-address").textContent()) ?? "";
  const port = Number(address.split(":").at(-1));
  expect(port).toBeGreaterThanOrEqual(E2E_PROXY_PORTS.first);
  expect(port).toBeLessThanOrEqual(E2E_PROXY_PORTS.last);
  // The fingerprint shown is the certificate's the client is told to trust.
  const certificate = await ensureProxyCertificate("localhost");
  await expect(panel.getByTestId("proxy-fingerprint")).toHaveText(certificate.fingerprint);

  const intercept = panel.getByRole("form", { name: "Intercept" });
  await intercept.getByLabel("Kind").selectOption("message");
  await fill(intercept, "Text contains", heldBody);
  await intercept.getByRole("button", { name: "Hold matching stanzas" }).click();
  await expect(intercept.getByTestId("intercept-state")).toHaveText("holding matching stanzas");

  // `--password=…` in one argument: a random password that starts with "-" (1 in 64 of base64url's)
  // is otherwise read by argparse as an option, and the client never starts (a CI run met one).
  const client = runSlixmpp(python, [
    "--host", "127.0.0.1", "--port", String(port), "--jid", `${jid}/slixmpp`, `--password=${account.password}`,
    "--ca", certificate.certPath, "--body", heldBody, "--expect-body", editedBody, "--wait-for", injectedBody, "--wait-seconds", "25",
  ]);

  // Live: the client is still connected, waiting for its message, while its lanes show the login and the held message.
  const lanes = panel.getByRole("region", { name: "Stream lanes" });
  await expect(panel.getByTestId("proxy-connection-status")).toContainText("online");
  const held = panel.getByTestId("held-stanza");
  await expect(held).toContainText("message toward the server");
  await expect(lanes.getByTestId("entry-event").filter({ hasText: "held stanza #1 from the client" })).toBeVisible();
  await expect(lanes.getByTestId("entry-event").filter({ hasText: "removed SCRAM-SHA" })).toHaveCount(1);

  // The README's picture (written to docs/ only with UPDATE_SCREENSHOT=1): a client live, one message held.
  await page.screenshot({ path: process.env.UPDATE_SCREENSHOT === "1" ? "docs/proxy.png" : testInfo.outputPath("proxy.png") });

  // A reload while the client is connected and its message held: the page takes everything back.
  await page.reload();
  await expect(panel.getByTestId("proxy-address")).toHaveText(address);
  await expect(panel.getByTestId("proxy-connection-status")).toContainText("online");
  await expect(held).toContainText("message toward the server");
  await expect(intercept.getByTestId("intercept-state")).toHaveText("holding matching stanzas");
  await expect(lanes.getByTestId("entry-event").filter({ hasText: "held stanza #1 from the client" })).toBeVisible();
  await expect(lanes.getByTestId("entry-event").filter({ hasText: "removed SCRAM-SHA" })).toHaveCount(1);

  const text = held.getByRole("textbox");
  await text.fill((await text.inputValue()).replace(heldBody, editedBody));
  await held.getByRole("button", { name: "Forward edited" }).click();
  await expect(held).toHaveCount(0);

  const inject = panel.getByRole("form", { name: "Inject" });
  await inject.getByLabel("To the client (as the server)").check();
  await inject.getByLabel("Stanza to inject").fill(`<message to='${jid}' from='localhost' type='headline'><body>${injectedBody}</body></message>`);
  await inject.getByRole("button", { name: "Inject" }).click();
  await expect(inject.getByText("Sent to the client as if the server wrote it.")).toBeVisible();

  // The client's own log: it received the edited message (not the one it sent) and the injected one.
  const report = await client;
  expect(report.error).toBeNull();
  expect(report.message_back).toBe(true);
  expect(report.waited_for).toBe(injectedBody);
  const received = report.received.join("");
  expect(received).toContain(editedBody);
  expect(received).toContain(injectedBody);
  expect(received).not.toContain(heldBody);

  await expect(panel.getByTestId("proxy-connection-status")).toContainText("closed");
  await expect(lanes.getByTestId("entry-event").filter({ hasText: "forwarded held stanza #1 to the server edited" })).toHaveCount(1);
  await lanes.getByRole("searchbox", { name: "Search" }).fill(injectedBody);
  await lanes.getByRole("searchbox", { name: "Search" }).press("Enter");
  await expect(lanes.getByTestId("entry-in").filter({ hasText: injectedBody }).getByTestId("entry-injected")).toBeVisible();

  // A client that trusts another certificate than the proxy's: the page says why it left, and what to trust.
  const refusing = distrustfulClient(port);
  await expect(panel.getByTestId("proxy-connection-tab")).toHaveCount(2);
  await expect(panel.getByTestId("proxy-connection-status")).toContainText(`Client #2: the client closed during TLS: it may not trust the proxy's certificate (SHA-256 fingerprint ${certificate.fingerprint})`);
  refusing.destroy();
});
