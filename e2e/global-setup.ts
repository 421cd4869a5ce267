import { ensureDebianPackage } from "../scripts/lib/system-packages";
import { startLocalServer, stopLocalServer } from "../scripts/lib/ejabberd-local";
import { E2E_PROSODY, E2E_SERVER } from "../scripts/lib/instances";
import { startProsody, stopProsody } from "../scripts/lib/prosody-local";

/**
 * Real parts only: Debian's Chromium (installed here when missing, never downloaded by
 * Playwright), a fresh ejabberd on the e2e ports (the app's bundled server) and a fresh
 * Prosody beside it (reached through the "another server" form), stopped when the run ends.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.CHROMIUM_PATH === undefined) await ensureDebianPackage({ pkg: "chromium", binary: "chromium" });
  const [ejabberd, prosody] = await Promise.allSettled([startLocalServer(E2E_SERVER, { fresh: true }), startProsody(E2E_PROSODY, { fresh: true })]);
  if (ejabberd.status === "rejected" || prosody.status === "rejected") {
    if (ejabberd.status === "fulfilled") await stopLocalServer(E2E_SERVER);
    if (prosody.status === "fulfilled") await stopProsody(E2E_PROSODY);
    throw ejabberd.status === "rejected" ? ejabberd.reason : (prosody as PromiseRejectedResult).reason;
  }
  return async () => {
    await Promise.all([stopLocalServer(E2E_SERVER), stopProsody(E2E_PROSODY)]);
  };
}
