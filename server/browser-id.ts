import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A random id per browser, in an HttpOnly SameSite=Strict cookie that page scripts cannot
 * read. The bridge binds each session to the browser that opened it: a session id and token
 * replayed from another browser (copied from storage, a screenshot, a shared HAR file) do not
 * reattach without this cookie too.
 */
export const BROWSER_COOKIE = "playground-browser";
const ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export function browserIdFrom(request: Pick<IncomingMessage, "headers">): string | null {
  const cookies = request.headers.cookie ?? "";
  for (const pair of cookies.split(";")) {
    const [name, value] = pair.trim().split("=", 2);
    if (name === BROWSER_COOKIE && value !== undefined && ID_PATTERN.test(value)) return value;
  }
  return null;
}

/** Gives a browser its id on its first page load; later requests carry it back. */
export function ensureBrowserId(request: IncomingMessage, response: ServerResponse): void {
  if (browserIdFrom(request) !== null) return;
  const id = randomBytes(24).toString("base64url");
  response.appendHeader("Set-Cookie", `${BROWSER_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000`);
}
