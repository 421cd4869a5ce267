import { defineConfig } from "vitest/config";

/**
 * The tests that wait on a server's clock (test/person-pace.test.ts): they start servers of
 * their own (PACE_SERVER, STOCK_TIMEOUT_SERVER), so they need none of the global setup's and
 * `npm test` runs them beside the other Vitest files. `npx vitest run` runs them with the rest.
 */
export default defineConfig({
  test: {
    include: ["test/person-pace.test.ts"],
    globalSetup: ["test/person-pace-setup.ts"],
    // Forks: each worker reads NODE_EXTRA_CA_CERTS (set by the setup) at startup.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
