import { lazyModule } from "../lazy-module";

/**
 * The check engine as a lesson page loads it: after first paint. It brings the strict XML
 * parser (saxes) the checks read stanzas with, about 10 KB gzipped that the lesson pages'
 * 200 KB budget has no room for and nothing on screen needs before the first reply arrives.
 */
export const checkEngine = lazyModule(async () => {
  const [stepWindow, check, streamManagement] = await Promise.all([import("./step-window"), import("./check"), import("./stream-management")]);
  return {
    evaluateStepWindow: stepWindow.evaluateStepWindow,
    evaluateCheck: check.evaluateCheck,
    // XEP-0198 §4: an answer that counts this session's stanzas, read from the wire.
    streamManagementAnswer: streamManagement.streamManagementAnswer,
  };
});

export type CheckEngine = NonNullable<ReturnType<typeof checkEngine.current>>;
