import { LessonIndex } from "@/components/lessons/lesson-index";
import { lessonCard } from "@/lib/lessons/lesson-data";
import { loadCourse } from "@/lib/lessons/load-course";

export const metadata = { title: "Lessons · XMPP Playground" };

/** Read from lessons/ at build time; the browser gets plain data and adds its own progress. */
export default function LessonsPage() {
  const course = loadCourse();
  return <LessonIndex lessons={course.lessons.map(lessonCard)} />;
}
