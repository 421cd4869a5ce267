import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { SLOT } from "../scripts/lib/instances";

/**
 * A page in a Chromium that no tool drives. Playwright keeps the DevTools protocol's Network
 * domain on for its pages, so Chromium reports every WebSocket frame to it and the bench
 * process parses each report: about 0.5 ms of CPU per round trip on a 2-core machine where
 * the bridge, ejabberd and Chromium already take turns (issue 17). A person's browser does
 * none of that. This one is started headless on a page served from here; the page reports
 * back over HTTP.
 */

/** Where the page is served from; the app under test allows this origin (BRIDGE_ALLOWED_ORIGINS). */
export const FREE_PAGE_ORIGIN = `http://127.0.0.1:${3250 + SLOT}`;

export interface FreePage {
  /** The page's HTML; it may fetch `/files/<name>` for the files given, and POST to `/call/<name>`. */
  html: string;
  files?: Record<string, string>;
  /** Answers a POST to /call/<name> (the bench's own work between the page's steps). */
  calls?: Record<string, (body: string) => Promise<string>>;
  timeoutMs?: number;
}

/** Opens the page and resolves with what it POSTs to /done. */
export async function runInFreeChromium(chromium: { executablePath: string; args: readonly string[] }, page: FreePage): Promise<string> {
  let settle: { resolve(body: string): void; reject(error: Error): void } | undefined;
  const done = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const server = http.createServer((request, response) => {
    void answer(request, response).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  async function answer(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = request.url ?? "/";
    // Cross-origin isolated (HTML's COOP and COEP), so performance.now() has Chromium's fine
    // resolution (5 µs) instead of 100 µs: the round trips it times are fractions of a millisecond.
    response.setHeader("cross-origin-opener-policy", "same-origin");
    response.setHeader("cross-origin-embedder-policy", "require-corp");
    if (request.method === "GET" && url === "/") {
      response.setHeader("content-type", "text/html; charset=utf-8");
      response.end(page.html);
      return;
    }
    const file = url.startsWith("/files/") ? page.files?.[url.slice("/files/".length)] : undefined;
    if (request.method === "GET" && file !== undefined) {
      response.setHeader("content-type", "text/javascript; charset=utf-8");
      response.end(file);
      return;
    }
    let body = "";
    for await (const chunk of request) body += String(chunk);
    const call = url.startsWith("/call/") ? page.calls?.[url.slice("/call/".length)] : undefined;
    if (request.method === "POST" && call !== undefined) {
      response.end(await call(body));
      return;
    }
    if (request.method === "POST" && url === "/done") {
      response.end("ok");
      settle?.resolve(body);
      return;
    }
    if (request.method === "POST" && url === "/failed") {
      response.end("ok");
      settle?.reject(new Error(`the page in the free Chromium failed: ${body}`));
      return;
    }
    response.statusCode = 404;
    response.end();
  }
  const { port } = new URL(FREE_PAGE_ORIGIN);
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(Number(port), "127.0.0.1", resolve));
  const profile = mkdtempSync(path.join(tmpdir(), "playground-bench-chromium-"));
  // The bench's own Chromium with the bench's flags, headless as Playwright starts it.
  const browser = spawn(chromium.executablePath, ["--headless", ...chromium.args, `--user-data-dir=${profile}`, `${FREE_PAGE_ORIGIN}/`], { stdio: "ignore" });
  browser.once("exit", (code) => settle?.reject(new Error(`the free Chromium exited (code ${code}) before its page reported`)));
  const timeoutMs = page.timeoutMs ?? 180_000;
  const timer = setTimeout(() => settle?.reject(new Error(`the page in the free Chromium did not report within ${timeoutMs / 1000} s`)), timeoutMs);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
    browser.removeAllListeners("exit");
    if (browser.exitCode === null && browser.signalCode === null) {
      const exited = new Promise((resolve) => browser.once("exit", resolve));
      browser.kill("SIGTERM");
      await exited;
    }
    server.close();
    // Chromium's helper processes can outlive its main one by a moment, still writing to the
    // profile (a run failed on ENOTEMPTY): retried, and a profile left in the temp folder is
    // said, not thrown over the figures already measured.
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (error) {
      console.warn(`the free Chromium's profile stays in ${profile}: ${(error as Error).message}`);
    }
  }
}
