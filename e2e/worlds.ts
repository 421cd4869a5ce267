import { E2E_SERVER_COUNT, SLOT, e2eServer, type XmppServerInstance } from "../scripts/lib/instances";
import { e2eHostilePort } from "../test/hostile-server";

/**
 * Playwright runs the end-to-end tests on two workers, and each worker has a world of its own:
 * an ejabberd, an app server and a hostile-server port. Specs log in as the demo accounts
 * (alice, bob) of their world, so two workers never share a session, a roster or a presence.
 * e2e/fixtures.ts points each test's baseURL at its worker's app.
 */
export interface E2eWorld {
  server: XmppServerInstance;
  appPort: number;
  baseURL: string;
  hostilePort: number;
}

/** As many worlds as there are e2e servers: playwright.config.ts runs that many workers. */
export const E2E_WORLD_COUNT = E2E_SERVER_COUNT;

/** The world of Playwright worker `parallelIndex` (testInfo.parallelIndex: 0 .. workers - 1). */
export function e2eWorld(parallelIndex: number): E2eWorld {
  // 3100 + slot for the first, 3110 + slot for the second (the bench uses 3200s, faults 3300s).
  const appPort = 3100 + 10 * parallelIndex + SLOT;
  return { server: e2eServer(parallelIndex), appPort, baseURL: `http://localhost:${appPort}`, hostilePort: e2eHostilePort(parallelIndex) };
}

export const E2E_WORLDS: readonly E2eWorld[] = Array.from({ length: E2E_WORLD_COUNT }, (_, index) => e2eWorld(index));
