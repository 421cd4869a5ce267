import { gzipSync } from "node:zlib";

/** What a first visit to a page downloads as JavaScript before any interaction. */
export interface PageWeight {
  path: string;
  scripts: number;
  rawBytes: number;
  gzipBytes: number;
  /** Monaco must arrive after first paint, never in the initial JS. */
  containsMonaco: boolean;
  /** The strict XML parser (saxes) neither: the step check and Pretty load it on first use. */
  containsXmlParser: boolean;
}

// Strings only Monaco's code or our lazy editor module contain.
const MONACO_MARKERS = ["MonacoEnvironment", "monaco-editor/esm", "editor.worker"];
// Messages of saxes' own (its minified code keeps them).
const XML_PARSER_MARKERS = ["text data outside of root node", "XML declaration is incomplete"];

export async function measurePageWeight(baseUrl: string, path: string): Promise<PageWeight> {
  const html = await (await fetch(new URL(path, baseUrl))).text();
  const urls = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*\ssrc="([^"]+)"[^>]*>/g)) {
    // noModule scripts are polyfills for old browsers; a browser with modules never fetches them.
    if (/\snomodule/i.test(match[0])) continue;
    urls.add(match[1]!);
  }
  for (const match of html.matchAll(/<link[^>]*rel="(?:modulepreload|preload)"[^>]*>/g)) {
    const tag = match[0];
    const href = /href="([^"]+)"/.exec(tag)?.[1];
    if (href && (/as="script"/.test(tag) || tag.includes("modulepreload"))) urls.add(href);
  }
  // Inline scripts (the RSC payload and bootstrap) count too.
  const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((match) => match[1] ?? "");
  const bodies = [...inline];
  for (const url of urls) bodies.push(await (await fetch(new URL(url.replaceAll("&amp;", "&"), baseUrl))).text());
  const rawBytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0);
  const gzipBytes = bodies.reduce((sum, body) => sum + gzipSync(body).length, 0);
  const containsMonaco = bodies.some((body) => MONACO_MARKERS.some((marker) => body.includes(marker)));
  const containsXmlParser = bodies.some((body) => XML_PARSER_MARKERS.some((marker) => body.includes(marker)));
  return { path, scripts: urls.size, rawBytes, gzipBytes, containsMonaco, containsXmlParser };
}
