import { describe, expect, it } from "vitest";
import { lintLesson } from "../lib/lessons/lint";
import { loadCourse } from "../lib/lessons/load-course";
import { findSpecSection } from "../lib/lessons/spec-sections";

/**
 * The lesson linter over the real course in lessons/: every lesson loads (its format is
 * checked field by field), and each passes the lint (well-formed XML once variables are
 * filled in, known variables and matchers, real spec sections, non-empty hints).
 */
const course = loadCourse();

describe("the course in lessons/", () => {
  it("has lessons numbered from 1, each with steps", () => {
    expect(course.lessons.length).toBeGreaterThan(0);
    expect(course.lessons.map((lesson) => lesson.number)).toEqual(course.lessons.map((_, index) => index + 1));
    for (const lesson of course.lessons) expect(lesson.steps.length, lesson.slug).toBeGreaterThan(0);
  });

  describe.each(course.lessons.map((lesson) => [`${lesson.number}. ${lesson.title}`, lesson] as const))("%s", (_, lesson) => {
    it("passes the lint", () => {
      expect(lintLesson(lesson)).toEqual([]);
    });

    it("cites only registered sections, with their titles and links", () => {
      for (const spec of [...lesson.specs, ...lesson.steps.flatMap((step) => step.specs)]) {
        expect(findSpecSection(spec.label), spec.label).toEqual(spec);
        expect(spec.url).toMatch(/^https:\/\/(www\.rfc-editor\.org\/rfc\/rfc\d+#(section|appendix)-|xmpp\.org\/extensions\/xep-\d{4}\.html#)/);
      }
    });

    it("gives every step hints, a failure text, and a check", () => {
      for (const step of lesson.steps) {
        expect(step.hints.length, step.slug).toBeGreaterThan(0);
        for (const hint of step.hints) expect(hint.trim(), step.slug).not.toBe("");
        expect(step.failure.trim(), step.slug).not.toBe("");
        expect(step.check.length, step.slug).toBeGreaterThan(0);
      }
    });
  });
});
