import { describe, expect, it } from "vitest";
import type { Expectation, Lesson, LessonStep } from "../lib/lessons/types";
import { TEST_SERVER } from "../scripts/lib/instances";
import { bundledServerOf, tryStep } from "../scripts/lib/lesson-runner";

/**
 * The headless runner catches what it is there to catch, on the real ejabberd: a starter
 * that already passes, a solution that never does (named by lesson, step and expectation),
 * and steps that need the earlier ones replayed first.
 */
const bundled = bundledServerOf(TEST_SERVER);
const PING = `<iq type='get' id='{{id}}' to='{{domain}}'><ping xmlns='urn:xmpp:ping'/></iq>`;
const pingCheck: Expectation[] = [
  { name: "ping", dir: "out", stanza: "iq", type: "get", has: [{ path: "ping", xmlns: "urn:xmpp:ping" }] },
  { dir: "in", stanza: "iq", type: "result", answers: "ping" },
];

function step(slug: string, fields: Partial<LessonStep>): LessonStep {
  return { slug, number: 1, title: slug, specs: [], check: pingCheck, hints: ["h"], failure: "f", prose: "p", starter: "<presence/>", solution: PING, ...fields };
}

function lesson(...steps: LessonStep[]): Lesson {
  return {
    slug: "synthetic",
    number: 99,
    title: "Synthetic",
    summary: "For the runner's own tests.",
    mode: "guided",
    transport: "plain",
    accounts: { me: "fresh", peer: "none" },
    specs: [],
    intro: "i",
    steps: steps.map((each, index) => ({ ...each, number: index + 1 })),
  };
}

describe("the headless lesson runner against ejabberd", () => {
  it("reports a starter that already passes its check", async () => {
    const outcome = await tryStep(lesson(step("ping", { starter: PING })), 0, bundled);
    expect(outcome.starter.passed).toBe(true);
    expect(outcome.solution.passed).toBe(true);
  });

  it("fails a solution that never passes, naming the lesson, the step and what is missing", async () => {
    const wrong = step("ping", { solution: `<iq type='get' id='{{id}}' to='{{domain}}'><query xmlns='jabber:iq:version'/></iq>` });
    await expect(tryStep(lesson(wrong), 0, bundled, undefined, 1000)).rejects.toThrow(
      /^lesson 99-synthetic step 1 \(ping\): the solution did not pass within 1 s; check\[0\] is missing: You have not sent an <iq> of type "get" containing <ping> in urn:xmpp:ping\.$/,
    );
  });

  it("replays the earlier steps' solutions before a step, and ignores its own barrier pings", async () => {
    const setCard = step("set-card", {
      check: [{ name: "set", dir: "out", stanza: "iq", type: "set" }, { dir: "in", stanza: "iq", type: "result", answers: "set" }],
      solution: `<iq type='set' id='{{id}}'><vCard xmlns='vcard-temp'><FN>Replayed</FN></vCard></iq>`,
    });
    const readCard = step("read-card", {
      check: [{ name: "get", dir: "out", stanza: "iq", type: "get" }, { dir: "in", stanza: "iq", answers: "get", has: [{ path: "vCard/FN", text: "Replayed" }] }],
      solution: `<iq type='get' id='{{id}}'><vCard xmlns='vcard-temp'/></iq>`,
    });
    const outcome = await tryStep(lesson(setCard, readCard), 1, bundled);
    // The starter (a presence) is followed by a barrier ping and its result: the check must not take them.
    expect(outcome.starterWindow.some((entry) => entry.attrs?.id?.startsWith("lesson-barrier-"))).toBe(true);
    expect(outcome.starter.passed).toBe(false);
    expect(outcome.solution.passed).toBe(true);
  });
});
