import { spawn } from "node:child_process";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command (SIGKILL) after this long; the result then has timedOut: true. */
  timeoutMs?: number;
  /** Called with each complete stdout/stderr line, for progress display. */
  onLine?: (line: string) => void;
}

export interface RunResult {
  /** Exit code, or null when killed by a signal or never started. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Set when the command could not be started at all (e.g. ENOENT). */
  spawnError?: Error;
}

/** Runs a command to completion and captures its output. Never throws. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let pendingLine = "";
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, options.timeoutMs);

    const feedLines = (chunk: string): void => {
      if (!options.onLine) return;
      pendingLine += chunk;
      const lines = pendingLine.split("\n");
      pendingLine = lines.pop() ?? "";
      for (const line of lines) options.onLine(line);
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      feedLines(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      feedLines(chunk);
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, timedOut, spawnError: error });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (pendingLine && options.onLine) options.onLine(pendingLine);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** The last lines of a command's output, for error messages. */
export function outputTail(result: RunResult, lines = 15): string {
  const text = `${result.stdout}\n${result.stderr}`.trim();
  return text.split("\n").slice(-lines).join("\n");
}
