import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validateCourseForBuild } from "./build-check";

const INDEX = "---\ntitle: Message\nsummary: Messages.\nmode: guided\naccounts: { me: fresh, peer: none }\nspecs: [RFC 6121 §5]\nlearned: [{ text: Messages have a type., spec: RFC 6121 §5.2.2 }]\n---\nIntro.\n";
const STEP = "---\ntitle: Hello\nspecs: [RFC 6121 §5.2.2]\ncheck:\n  - dir: out\n    stanza: message\nhints: [Send one.]\nnotice: Note the reply.\nfailure: Nothing yet.\n---\nProse.\n";
const roots: string[] = [];

function course(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "lessons-build-"));
  roots.push(root);
  for (const [relative, text] of Object.entries({
    "01-message/index.md": INDEX,
    "01-message/01-hello.md": STEP,
    "01-message/01-hello.start.xml": "<message/>",
    "01-message/01-hello.solution.xml": "<message><body>hi</body></message>",
    ...files,
  })) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), text);
  }
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
});

/** The message the build would stop with, or undefined when it goes on. */
function buildMessage(root: string): string | undefined {
  try {
    validateCourseForBuild(root);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe("validateCourseForBuild (run by next.config.ts before next build compiles)", () => {
  it("lets a valid course through", () => {
    expect(buildMessage(course({}))).toBeUndefined();
  });

  it("stops on a malformed lesson, naming the file and the field", () => {
    const root = course({ "01-message/index.md": INDEX.replace("mode: guided", "mode: guide") });
    const message = buildMessage(root);
    expect(message).toContain("so the build stops");
    expect(message).toContain(`${path.relative(process.cwd(), path.join(root, "01-message/index.md"))}: mode: "guide" is not allowed; write one of guided, raw`);
  });

  it("stops on lint problems too, listing each", () => {
    const message = buildMessage(course({ "01-message/01-hello.solution.xml": "<message><body>hi</message>", "01-message/01-hello.start.xml": "<message to='{{jid}}'/>" }));
    expect(message).toContain("01-message/01-hello.start.xml: {{jid}} is not a lesson variable");
    expect(message).toContain("01-message/01-hello.solution.xml: is not well-formed XML");
  });
});
