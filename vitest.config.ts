import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "server/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/vitest-global-setup.ts"],
    // Forks (not threads): each worker is a process that reads NODE_EXTRA_CA_CERTS at startup.
    pool: "forks",
    // Integration tests share one real ejabberd: run files one after another.
    fileParallelism: false,
    // One process for all the files, not a fresh one per file: on two cores the per-file start
    // and module loading cost more than half of the unit tests' time (lib/: 203 s isolated,
    // 114 s shared, same run). A test that needs a module as a page first loads it resets
    // the registry itself (vi.resetModules, see lib/transcript/format.lazy.test.ts).
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
