import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * lib/xml is the bottom layer (parse, walk, format): lib/xmpp-schema builds on it, so
 * nothing in lib/xml may reach lib/xmpp-schema, not even through another folder. A cycle
 * makes the load order decide which module sees the other half-initialised.
 */

const LIB = resolve(__dirname, "..");
const ROOT = resolve(LIB, "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Module specifiers of static and type imports and re-exports, resolved to files under lib/. */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(file, "utf8");
  const targets: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^;]*?from\s*"([^"]+)"|import\(\s*"([^"]+)"\s*\)/g)) {
    const specifier = match[1] ?? match[2]!;
    const base = specifier.startsWith("@/") ? join(ROOT, specifier.slice(2)) : specifier.startsWith(".") ? resolve(dirname(file), specifier) : null;
    if (base === null) continue;
    const hit = [`${base}.ts`, `${base}.tsx`, join(base, "index.ts")].find((candidate) => known.has(candidate));
    if (hit) targets.push(hit);
  }
  return targets;
}

/** A chain of imports from a file in `from` to a file in `to`, or null when there is none. */
function pathBetween(from: string, to: string): string[] | null {
  const files = sourceFiles(LIB);
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, importsOf(file, known)]));
  const start = files.filter((file) => file.startsWith(join(LIB, from) + "/"));
  const previous = new Map<string, string | null>(start.map((file) => [file, null]));
  const queue = [...start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (file.startsWith(join(LIB, to) + "/")) {
      const chain = [file];
      for (let at = previous.get(file); at; at = previous.get(at)) chain.unshift(at);
      return chain.map((path) => relative(ROOT, path));
    }
    for (const next of graph.get(file) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return null;
}

describe("lib/xml and lib/xmpp-schema", () => {
  it("lib/xmpp-schema builds on lib/xml", () => {
    expect(pathBetween("xmpp-schema", "xml")).not.toBeNull();
  });

  it("nothing in lib/xml reaches lib/xmpp-schema, directly or through another folder", () => {
    expect(pathBetween("xml", "xmpp-schema")).toBeNull();
  });
});
