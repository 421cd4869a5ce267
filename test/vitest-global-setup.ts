import { startLocalServer, stopLocalServer } from "../scripts/lib/ejabberd-local";
import { CERTS, TEST_SERVER, fromRepoRoot } from "../scripts/lib/instances";

/**
 * Integration tests talk to a real ejabberd on the test ports. Test workers are forked
 * after this runs, so the certificate variable set here reaches them at startup.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await startLocalServer(TEST_SERVER, { fresh: true });
  process.env.NODE_EXTRA_CA_CERTS = fromRepoRoot(CERTS.cert);
  return async () => {
    await stopLocalServer(TEST_SERVER);
  };
}
