// Runs before anything else, with Node's builtins only: installs the npm dependencies
// when node_modules is missing or older than package-lock.json, so a fresh clone needs
// nothing but `npm run playground` or `npm test`.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const lock = "package-lock.json";
const installed = "node_modules/.package-lock.json";

function needsInstall() {
  if (!existsSync(installed)) return true;
  return statSync(lock).mtimeMs > statSync(installed).mtimeMs;
}

if (needsInstall()) {
  // `npm install`, not `npm ci`: see .ci/run for why a lockfile written on these machines
  // does not satisfy `npm ci`. With the lockfile present, `npm install` follows it.
  console.log("Installing npm dependencies (npm install)...");
  const result = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (result.status !== 0) {
    console.error("npm install failed. Check the network access to the npm registry, then run the command again.");
    process.exit(result.status ?? 1);
  }
}
