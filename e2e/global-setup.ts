import { ensureDebianPackage } from "../scripts/lib/system-packages";
import { startLocalServer, stopLocalServer } from "../scripts/lib/ejabberd-local";
import { E2E_SERVER } from "../scripts/lib/instances";

/**
 * Real parts only: Debian's Chromium (installed here when missing, never downloaded by
 * Playwright) and a fresh ejabberd on the test ports, stopped when the run ends.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.CHROMIUM_PATH === undefined) await ensureDebianPackage({ pkg: "chromium", binary: "chromium" });
  await startLocalServer(E2E_SERVER, { fresh: true });
  return async () => {
    await stopLocalServer(E2E_SERVER);
  };
}
