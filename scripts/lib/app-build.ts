import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fromRepoRoot } from "./instances";
import { runCommand } from "./run";
import { UserFacingError } from "./errors";

/** Everything `next build` reads (and PLAYGROUND_SOURCE_MAPS). A change to any of these means the build is stale. */
const BUILD_INPUTS = ["app", "components", "lib", "lessons", "public", "types", "next.config.ts", "tsconfig.json", "package-lock.json"];
const FINGERPRINT_FILE = ".next/playground-build-fingerprint";

/** Hashes the build inputs' contents (not mtimes: a fresh clone gives every file a new one). */
export function buildFingerprint(): string {
  const hash = createHash("sha256");
  // A build with source maps (bench:profile) is a different build from one without.
  hash.update(`source maps: ${process.env.PLAYGROUND_SOURCE_MAPS === "1"}\0`);
  for (const file of BUILD_INPUTS.flatMap((input) => listFiles(fromRepoRoot(input))).sort()) {
    hash.update(path.relative(fromRepoRoot("."), file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

export function isBuildCurrent(): boolean {
  const stamp = fromRepoRoot(FINGERPRINT_FILE);
  return existsSync(fromRepoRoot(".next/BUILD_ID")) && existsSync(stamp) && readFileSync(stamp, "utf8") === buildFingerprint();
}

/** Runs `next build` unless the last build saw exactly these sources. */
export async function ensureAppBuilt(log: (line: string) => void = console.log): Promise<"built" | "current"> {
  if (isBuildCurrent()) return "current";
  log("Building the app (next build; about 20 s the first time)...");
  const fingerprint = buildFingerprint();
  const result = await runCommand(process.execPath, [fromRepoRoot("node_modules/next/dist/bin/next"), "build"], {
    cwd: fromRepoRoot("."),
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    onLine: (line) => log(`  ${line}`),
  });
  if (result.code !== 0) throw new UserFacingError("next build failed; its output is above.");
  writeFileSync(fromRepoRoot(FINGERPRINT_FILE), fingerprint);
  return "built";
}

function listFiles(target: string): string[] {
  if (!existsSync(target)) return [];
  if (statSync(target).isFile()) return [target];
  return readdirSync(target, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith(".test.ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
