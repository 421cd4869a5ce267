import fs from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { courseForPages } from "./course-for-pages";
import { lessonCard, lessonData } from "./lesson-data";
import { loadCourse } from "./load-course";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("courseForPages", () => {
  it("a production server reads lessons/ and renders a lesson once, however many requests come", () => {
    const first = courseForPages("production");
    const slug = first.course.lessons[1]!.slug;
    const page = first.lesson(slug);
    const reads = vi.spyOn(fs, "readFileSync");
    const again = courseForPages("production");
    expect(again).toBe(first);
    expect(again.lesson(slug)).toBe(page);
    expect(reads).not.toHaveBeenCalled();
  });

  it("in development every request reads lessons/ again, so an author's edit shows on reload", () => {
    const reads = vi.spyOn(fs, "readFileSync");
    const first = courseForPages("development");
    const readsForOne = reads.mock.calls.length;
    expect(readsForOne).toBeGreaterThan(0);
    expect(courseForPages("development")).not.toBe(first);
    expect(reads.mock.calls.length).toBe(2 * readsForOne);
  });

  it("serves what the pages built from lessons/ before: the index's cards, and each lesson with its neighbours", () => {
    const course = loadCourse();
    const served = courseForPages("production");
    expect(served.cards).toEqual(course.lessons.map(lessonCard));
    for (const [index, lesson] of course.lessons.entries()) {
      expect(served.lesson(lesson.slug)).toEqual(lessonData(lesson, { previous: course.lessons[index - 1], next: course.lessons[index + 1] }));
    }
    expect(served.lesson("no-such-lesson")).toBeUndefined();
  });
});
