import { defineConfig } from "vitest/config";
import { CheapestFirstSequencer } from "./scripts/lib/mutation-sequencer";

/**
 * Vitest as StrykerJS runs it (`npm run mutation`, scripts/mutation.ts): no global setup,
 * so no ejabberd starts for each of Stryker's workers. Stryker names the test files of the
 * module it mutates (scripts/lib/mutation-scope.ts): unit tests that need no XMPP server.
 * scripts/mutation.ts makes the certificate and sets NODE_EXTRA_CA_CERTS before the
 * workers start (a worker reads it once, at startup).
 */
export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "server/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"],
    // Instrumented code is slower: the framing property tests took over 20 s in Stryker's first run.
    testTimeout: 120_000,
    // Each mutant reruns the property tests: a twentieth of their inputs, on a fixed seed
    // (lib/xmpp/framing.property.test.ts); `npm test` runs all of them.
    env: { PROPERTY_RUNS_DIVISOR: "20" },
    // Quickest test file first: Stryker stops a mutant's run at its first failure.
    sequence: { sequencer: CheapestFirstSequencer },
  },
});
