import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCourse } from "../lib/lessons/load-course";
import { runLocalEjabberdctl } from "../scripts/lib/ejabberd-local";
import { TEST_SERVER } from "../scripts/lib/instances";
import { bundledServerOf, tryStep } from "../scripts/lib/lesson-runner";

/**
 * Every step of every lesson is solvable on the real ejabberd (test/vitest-global-setup.ts),
 * headless, through the same lesson session the bridge opens: on a fresh session that has
 * replayed the earlier steps, the starter does not pass its check and the solution does.
 * The Chromium test (e2e/lessons.spec.ts) proves the same through the page.
 */
const course = loadCourse();
const bundled = bundledServerOf(TEST_SERVER);

/** The server's own list of accounts (ejabberdctl), retried: a ctl call can fail while the node is busy. */
async function registeredUsers(): Promise<string[]> {
  let failure = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    const result = await runLocalEjabberdctl(TEST_SERVER, ["registered_users", TEST_SERVER.domain]);
    const lines = result.stdout.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("WARNING"));
    if (result.code === 0) return lines;
    failure = `ejabberdctl registered_users exited ${result.code}: ${[...lines, result.stderr.trim()].join(" ")}`;
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
  throw new Error(failure);
}

let accountsBefore: string[] = [];
beforeAll(async () => {
  accountsBefore = await registeredUsers();
});

// Every session's account, the peer's, and the registration lesson's {{newuser}} are removed again.
afterAll(async () => {
  const left = (await registeredUsers()).filter((user) => !accountsBefore.includes(user));
  expect(left, "accounts the lesson runs left behind").toEqual([]);
});

describe.each(course.lessons.map((lesson) => [`${String(lesson.number).padStart(2, "0")}-${lesson.slug}`, lesson] as const))("lesson %s", (_, lesson) => {
  it.each(lesson.steps.map((step, index) => [`${step.number} (${step.slug})`, index] as const))(
    "step %s: the starter does not pass, the solution does",
    async (_, index) => {
      const step = lesson.steps[index]!;
      const outcome = await tryStep(lesson, index, bundled);
      expect(outcome.starter.passed, `lesson ${lesson.slug} step ${step.number}: the starter passes its check already`).toBe(false);
      expect(outcome.starter.missing?.message.trim(), "a failing check says what is missing").toBeTruthy();
      expect(outcome.solution.passed).toBe(true);
      expect(outcome.solution.matched.every((seq) => seq !== undefined)).toBe(true);
    },
    // Each earlier step is replayed twice, on two fresh sessions.
    30_000 + 2 * 10_000 * lesson.steps.length,
  );
});
