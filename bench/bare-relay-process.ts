import { spawn } from "node:child_process";
import { fromRepoRoot } from "../scripts/lib/instances";

/** bench/bare-relay.ts in a process of its own, as the bridge and the proxy are, relaying to ejabberd's `upstreamPort`. */
export async function startBareRelay(mode: "ws" | "tcp", upstreamPort: number): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, ["--import", "tsx", fromRepoRoot("bench/bare-relay.ts"), mode, String(upstreamPort)], { stdio: ["ignore", "pipe", "inherit"] });
  const stop = () => void child.kill("SIGTERM");
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding("utf8");
    child.stdout.once("data", (line: string) => resolve(Number(line.trim())));
    child.once("exit", (code) => reject(new Error(`bench/bare-relay.ts exited (${code}) before it listened`)));
  }).catch((error: unknown) => {
    stop();
    throw error;
  });
  return { port, stop };
}
