/**
 * The modules that guard people (issue 19), each with the unit tests that exercise it.
 * Mutation testing (`npm run mutation`) mutates these modules and runs only these tests:
 * fast ones that need no XMPP server (a hostile server of our own, or loopback listeners,
 * are fine), so a full run takes minutes. A test file added beside a module with the
 * module's name as its prefix (`framing.oracle.test.ts`) is picked up by the pattern.
 */
export interface MutationTarget {
  /** The source file to mutate, relative to the repository root. */
  module: string;
  /** Test files (globs) that kill its mutants. */
  tests: readonly string[];
}

export const MUTATION_SCOPE: readonly MutationTarget[] = [
  { module: "lib/xmpp/redaction.ts", tests: ["lib/xmpp/redaction*.test.ts", "lib/xmpp/transcript*.test.ts"] },
  { module: "lib/xmpp/framing.ts", tests: ["lib/xmpp/framing*.test.ts"] },
  { module: "lib/xmpp/utf8-stream-decoder.ts", tests: ["lib/xmpp/utf8-stream-decoder*.test.ts"] },
  { module: "lib/xml/restricted-xml.ts", tests: ["lib/xml/restricted-xml*.test.ts", "server/hostile-input.test.ts"] },
  { module: "server/allowlist.ts", tests: ["server/allowlist*.test.ts", "server/dial-guard.test.ts"] },
  { module: "lib/xmpp/pinned-lookup.ts", tests: ["lib/xmpp/pinned-lookup*.test.ts", "server/dial-guard.test.ts"] },
  { module: "lib/xmpp/iq-pairing.ts", tests: ["lib/xmpp/iq-pairing*.test.ts"] },
  { module: "lib/xmpp/jid-match.ts", tests: ["lib/xmpp/jid-match*.test.ts"] },
  // diagnose.ts shows the learner entryMismatches and relationMismatch: its tests read them.
  { module: "lib/lessons/check.ts", tests: ["lib/lessons/check*.test.ts", "lib/lessons/diagnose.test.ts"] },
  { module: "server/session-registry.ts", tests: ["server/session-registry*.test.ts"] },
  { module: "lib/bridge/protocol.ts", tests: ["lib/bridge/protocol*.test.ts"] },
  // The rules every session kind shares; the kinds' own tests against the hostile server reach it too.
  {
    module: "lib/xmpp/session-core.ts",
    tests: ["lib/xmpp/session-core*.test.ts", "lib/xmpp/stream-refusal.test.ts", "lib/xmpp/unexpected-close.test.ts", "lib/xmpp/phantom-bytes.test.ts"],
  },
];
