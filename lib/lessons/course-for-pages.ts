import { lessonCard, lessonData, type LessonCard, type LessonData } from "./lesson-data";
import { loadCourse } from "./load-course";
import type { Course } from "./types";

/**
 * The course as the lesson pages serve it. Those pages render per request (the layout reads a
 * fresh CSP nonce, and a nonce makes every page dynamic), yet the course is fixed once
 * `next build` has checked it. So a production server reads lessons/ and renders its Markdown
 * once, not on every request: reading and validating the whole course costs about 0.1 s of
 * CPU, and each lesson page did it twice (metadata, then the page), which the end-to-end suite
 * paid on every one of its lesson page loads. In development every request reads lessons/
 * again, so an author's edit shows on reload.
 */

export interface PageCourse {
  course: Course;
  cards: LessonCard[];
  /** A lesson's page data by slug (undefined: no such lesson, a 404). */
  lesson(slug: string): LessonData | undefined;
}

let kept: PageCourse | undefined;

export function courseForPages(mode: string | undefined = process.env.NODE_ENV): PageCourse {
  if (mode !== "production") return pageCourse(loadCourse());
  kept ??= pageCourse(loadCourse());
  return kept;
}

function pageCourse(course: Course): PageCourse {
  const rendered = new Map<string, LessonData>();
  return {
    course,
    cards: course.lessons.map(lessonCard),
    lesson(slug) {
      const index = course.lessons.findIndex((candidate) => candidate.slug === slug);
      const found = course.lessons[index];
      if (found === undefined) return undefined;
      let data = rendered.get(slug);
      if (data === undefined) {
        data = lessonData(found, { previous: course.lessons[index - 1], next: course.lessons[index + 1] });
        rendered.set(slug, data);
      }
      return data;
    },
  };
}
