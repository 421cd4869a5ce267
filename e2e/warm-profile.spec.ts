import { expect, test } from "./fixtures";

/**
 * The tests share one Chromium profile per worker for its caches (e2e/fixtures.ts): each test
 * must still start as a first visit. The first test leaves every kind of storage the app uses
 * behind, and a permission; the second, on the same worker, must find none of it.
 */
test.describe.configure({ mode: "serial" });

const LEFT_BEHIND = "left-by-the-previous-test";
/** The app's own browser cookie (server/browser-id) the first test got: the second must get a new one. */
let firstTestsBrowserCookie: string | undefined;

test("a test leaves storage, a cookie, a permission and an open page behind", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read"]);
  await page.goto("/");
  await page.evaluate(`(async () => {
    localStorage.setItem("leftover", "${LEFT_BEHIND}");
    sessionStorage.setItem("leftover", "${LEFT_BEHIND}");
    document.cookie = "leftover=${LEFT_BEHIND}; max-age=3600; path=/";
    await new Promise((resolve, reject) => {
      const open = indexedDB.open("leftover-db", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("things");
      open.onsuccess = () => {
        const write = open.result.transaction("things", "readwrite");
        write.objectStore("things").put("${LEFT_BEHIND}", "key");
        write.oncomplete = () => { open.result.close(); resolve(undefined); };
        write.onerror = () => reject(write.error);
      };
      open.onerror = () => reject(open.error);
    });
  })()`);
  await context.newPage();
  firstTestsBrowserCookie = (await context.cookies()).find((cookie) => cookie.name === "playground-browser")?.value;
  expect(firstTestsBrowserCookie).toBeTruthy();
  expect(await page.evaluate("localStorage.getItem('leftover')")).toBe(LEFT_BEHIND);
  expect(await page.evaluate("navigator.permissions.query({ name: 'clipboard-read' }).then((status) => status.state)")).toBe("granted");
});

test("the next test on the same worker finds none of it, and only its own page", async ({ page, context }) => {
  expect(context.pages()).toEqual([page]);
  await page.goto("/");
  expect(await page.evaluate("localStorage.getItem('leftover')")).toBeNull();
  expect(await page.evaluate("sessionStorage.getItem('leftover')")).toBeNull();
  expect(await page.evaluate("document.cookie")).not.toContain(LEFT_BEHIND);
  const cookies = await context.cookies();
  expect(cookies.map((cookie) => cookie.name)).not.toContain("leftover");
  expect(cookies.map((cookie) => cookie.value)).not.toContain(firstTestsBrowserCookie);
  expect(await page.evaluate("indexedDB.databases().then((all) => all.map((db) => db.name))")).not.toContain("leftover-db");
  expect(await page.evaluate("navigator.permissions.query({ name: 'clipboard-read' }).then((status) => status.state)")).not.toBe("granted");
});
