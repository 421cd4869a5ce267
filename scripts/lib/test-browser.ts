import { ensureDebianPackage, type DebianPackage } from "./system-packages";

/**
 * Debian's headless-only build of the same Chromium version. On 2 cores it took a fifth less
 * CPU per page load of the workbench than the full `chromium` (issue 17), and the end-to-end
 * tests load about 200 pages.
 */
export const HEADLESS_SHELL: DebianPackage = { pkg: "chromium-headless-shell", binary: "chromium-headless-shell" };
export const FULL_CHROMIUM: DebianPackage = { pkg: "chromium", binary: "chromium" };

/**
 * The browser the end-to-end tests launch: CHROMIUM_PATH when set, else the headless shell
 * (installed when missing), else Debian's full chromium, saying why.
 */
export async function ensureTestBrowser(
  log: (message: string) => void = (message) => console.log(message),
  ensure: (target: DebianPackage, log: (message: string) => void) => Promise<string> = ensureDebianPackage,
): Promise<string> {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== "") return chosen;
  try {
    return await ensure(HEADLESS_SHELL, log);
  } catch (error) {
    const why = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    log(`${HEADLESS_SHELL.pkg} is not available (${why}); the end-to-end tests use Debian's full ${FULL_CHROMIUM.pkg} instead, which costs more CPU per page.`);
    return ensure(FULL_CHROMIUM, log);
  }
}
