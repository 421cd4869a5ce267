import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** scripts/try-lesson.ts as an author runs it, against the test ejabberd (test/vitest-global-setup.ts). */
function tryLesson(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/try-lesson.ts", ...args], { env: process.env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("scripts/try-lesson.ts", () => {
  it("runs one step and prints each window of the transcript with the check result", async () => {
    const { code, output } = await tryLesson("lessons/05-iq", "1");
    expect(output).toMatch(/=== Step 1: /);
    expect(output).toContain("--- Starter: the step's window of the transcript");
    expect(output).toContain("--- Solution: the step's window of the transcript");
    expect(output).toMatch(/#\d+ C→S \[iq\] <iq/);
    expect(output).toMatch(/check does not pass: check\[\d+\] /);
    expect(output).toMatch(/check passes \(entries #\d+/);
    expect(output).toContain("Every step tried behaves.");
    expect(code).toBe(0);
  }, 60_000);

  it("says how to call it, and names the steps when one does not exist", async () => {
    const usage = await tryLesson();
    expect(usage.code).toBe(2);
    expect(usage.output).toContain("Usage: PLAYGROUND_SLOT=N npx tsx scripts/try-lesson.ts <lesson-folder>");
    const wrongStep = await tryLesson("lessons/05-iq", "99");
    expect(wrongStep.code).toBe(2);
    expect(wrongStep.output).toMatch(/No step "99" in lessons\/05-iq; its steps are 1 \(/);
  }, 60_000);
});
