import { expect, test } from "./fixtures";

test("light and dark themes: the choice applies at once and survives a reload", async ({ page }) => {
  await page.goto("/playground");
  const html = page.locator("html");
  const toggle = page.getByRole("button", { name: "Light theme" });
  const before = await html.getAttribute("data-theme");
  await toggle.click();
  const after = before === "light" ? "dark" : "light";
  await expect(html).toHaveAttribute("data-theme", after);
  await expect(toggle).toHaveAttribute("aria-pressed", String(after === "light"));
  // The page's colours really change (the panel background follows the theme).
  const panel = page.getByRole("form", { name: "Connection" });
  const lightBackground = "rgb(255, 255, 255)";
  if (after === "light") await expect(panel).toHaveCSS("background-color", lightBackground);
  else await expect(panel).not.toHaveCSS("background-color", lightBackground);
  await page.reload();
  await expect(html).toHaveAttribute("data-theme", after);
});

test("the split between the editor and the lanes moves by keyboard", async ({ page }) => {
  await page.goto("/playground");
  const splitter = page.getByRole("separator", { name: /Resize the editor column/ });
  const side = page.getByTestId("pane-a").locator(".workbench-side");
  const widthBefore = (await side.boundingBox())!.width;
  const valueBefore = Number(await splitter.getAttribute("aria-valuenow"));
  await splitter.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
  await expect(splitter).toHaveAttribute("aria-valuenow", String(valueBefore + 10));
  await expect.poll(async () => (await side.boundingBox())!.width).toBeGreaterThan(widthBefore + 50);
  await page.keyboard.press("Home");
  await expect(splitter).toHaveAttribute("aria-valuenow", "20");
});

test("empty states say what to do next", async ({ page }) => {
  await page.goto("/playground");
  await expect(page.getByTestId("pane-a")).toContainText(/Connect to start a stream/i);
  await expect(page.getByTestId("explanation-panel")).toContainText("Select an entry in the lanes to see what it means.");
});
