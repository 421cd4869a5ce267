import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { LessonWorkbench } from "@/components/lessons/lesson-workbench";
import { courseForPages } from "@/lib/lessons/course-for-pages";
import { pageLesson } from "@/lib/lessons/lesson-data";

/** One page per lesson in lessons/ (read once per production server); an unknown slug is a 404. */
export const dynamicParams = false;

export function generateStaticParams(): { slug: string }[] {
  return courseForPages().course.lessons.map((lesson) => ({ slug: lesson.slug }));
}

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const { slug } = await params;
  const lesson = courseForPages().lesson(slug);
  return { title: lesson ? `${lesson.number}. ${lesson.title} · Lessons · XMPP Playground` : "Lessons · XMPP Playground" };
}

export default async function LessonPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const lesson = courseForPages().lesson(slug);
  if (lesson === undefined) notFound();
  // Without what the finish screen lists: it is fetched when the last step passes
  // (learned/route.ts), so the page's initial payload stays within its budget.
  return <LessonWorkbench key={lesson.slug} lesson={pageLesson(lesson)} />;
}
