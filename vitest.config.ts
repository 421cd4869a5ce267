import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "server/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/vitest-global-setup.ts"],
    // Forks (not threads): each worker is a process that reads NODE_EXTRA_CA_CERTS at startup.
    pool: "forks",
    // Integration tests share one real ejabberd: run files one after another.
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
