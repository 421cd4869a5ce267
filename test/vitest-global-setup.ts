import { localServerStatus, startLocalServer, stopLocalServer } from "../scripts/lib/ejabberd-local";
import { CERTS, TEST_PROSODY, TEST_SERVER, fromRepoRoot } from "../scripts/lib/instances";
import { findProsodyPids, startProsody, stopProsody } from "../scripts/lib/prosody-local";
import { ensureProxyCertificate } from "../scripts/lib/certificates";
import { TEST_CLIENT_PACKAGES, ensureDebianPackage } from "../scripts/lib/system-packages";
import { readFileSync, writeFileSync } from "node:fs";

const WAIT_FOR_OTHER_RUN_MS = 5 * 60_000;

/**
 * Integration tests talk to two real servers on the test ports: ejabberd and Prosody
 * (scripts/lib/prosody-local.ts), started side by side. Test workers are forked after this
 * runs, so the certificate variable set here reaches them at startup.
 * Two vitest runs at once (two terminals, say) take turns: the second waits for the first
 * to stop its servers rather than failing or sharing them.
 */
export default async function setup(): Promise<() => Promise<void>> {
  // The clients the proxy tests drive (apt-get takes its turns behind the servers' installs).
  const clients = Promise.allSettled(TEST_CLIENT_PACKAGES.map((target) => ensureDebianPackage(target)));
  const [ejabberd, prosody] = await Promise.allSettled([
    startWhenFree(
      () => startLocalServer(TEST_SERVER, { fresh: true }),
      async () => (await localServerStatus(TEST_SERVER)).running,
    ),
    startWhenFree(
      () => startProsody(TEST_PROSODY, { fresh: true }),
      async () => findProsodyPids(TEST_PROSODY).length > 0,
    ),
  ]);
  if (ejabberd.status === "rejected" || prosody.status === "rejected") {
    // Leave nothing running that this run started.
    if (ejabberd.status === "fulfilled") await stopLocalServer(TEST_SERVER);
    if (prosody.status === "fulfilled") await stopProsody(TEST_PROSODY);
    throw ejabberd.status === "rejected" ? ejabberd.reason : (prosody as PromiseRejectedResult).reason;
  }
  const missing = (await clients).find((result) => result.status === "rejected");
  if (missing !== undefined) {
    await Promise.all([stopLocalServer(TEST_SERVER), stopProsody(TEST_PROSODY)]);
    throw missing.reason;
  }
  // The servers' certificate and the proxy's own (lib/proxy), which the clients in the proxy tests trust too.
  const proxy = await ensureProxyCertificate("localhost");
  const trusted = fromRepoRoot(`${CERTS.dir}/test-trusted.pem`);
  writeFileSync(trusted, readFileSync(fromRepoRoot(CERTS.cert), "utf8") + proxy.cert);
  process.env.NODE_EXTRA_CA_CERTS = trusted;
  return async () => {
    await Promise.all([stopLocalServer(TEST_SERVER), stopProsody(TEST_PROSODY)]);
  };
}

/** Starts a server; while another run holds it, waits for that run to stop it. */
async function startWhenFree<T>(start: () => Promise<T>, busy: () => Promise<boolean>): Promise<T> {
  const deadline = Date.now() + WAIT_FOR_OTHER_RUN_MS;
  for (;;) {
    try {
      return await start();
    } catch (error) {
      if (!(await busy()) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
