import { defineConfig } from "vitest/config";

/**
 * The person-pace test (test/person-pace.test.ts) idles for three of ejabberd's 30 s stock
 * timeouts on its own server and fresh accounts: it runs as a project of its own, beside the
 * others, instead of holding up the files queued behind it.
 */
const PACED = "test/person-pace.test.ts";
const TESTS = ["lib/**/*.test.ts", "server/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"];

export default defineConfig({
  test: {
    // The projects extend this config (lists such as include would add up, so they are set there).
    // Shared by both projects: one start of the servers (see the setup's comment).
    globalSetup: ["test/vitest-global-setup.ts"],
    // Forks (not threads): each worker is a process that reads NODE_EXTRA_CA_CERTS at startup.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 120_000,
    projects: [
      // Integration tests share one real ejabberd: run files one after another.
      { extends: true, test: { name: "serial", include: TESTS, exclude: [PACED], fileParallelism: false } },
      { extends: true, test: { name: "paced", include: [PACED], fileParallelism: false } },
    ],
  },
});
