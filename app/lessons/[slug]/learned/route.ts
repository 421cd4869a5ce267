import { courseForPages } from "@/lib/lessons/course-for-pages";

/**
 * What a lesson's finish screen lists, as JSON: fetched when its last step passes rather than
 * shipped with the page (the lesson pages' initial JS and payload budget, 200 KB gzipped).
 */
export async function GET(_request: Request, { params }: { params: Promise<{ slug: string }> }): Promise<Response> {
  const { slug } = await params;
  const lesson = courseForPages().lesson(slug);
  if (lesson === undefined) return Response.json({ error: `There is no lesson "${slug}".` }, { status: 404 });
  return Response.json(lesson.learned);
}
