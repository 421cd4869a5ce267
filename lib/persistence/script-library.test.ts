import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { openScriptLibrary, titleOf } from "./script-library";

describe("the script library", () => {
  it("keeps scripts, lists the latest first, replaces by id and removes", async () => {
    const opened = await openScriptLibrary(`test-${Math.random()}`);
    if (!opened.ok) throw new Error(opened.message);
    const { library } = opened;
    await library.put({ id: "a", title: "A", text: "name: A", updatedAt: 1 });
    await library.put({ id: "b", title: "B", text: "name: B", updatedAt: 2 });
    expect((await library.list()).map((script) => script.id)).toEqual(["b", "a"]);
    await library.put({ id: "a", title: "A2", text: "name: A2", updatedAt: 3 });
    expect((await library.list()).map((script) => `${script.id} ${script.title}`)).toEqual(["a A2", "b B"]);
    expect((await library.get("a"))?.text).toBe("name: A2");
    await library.remove("a");
    expect((await library.list()).map((script) => script.id)).toEqual(["b"]);
    library.close();
  });

  it("titles a script by its name: line, unquoted, else the fallback", () => {
    expect(titleOf("# c\nname: Ping the server\naccounts: {}", "x")).toBe("Ping the server");
    expect(titleOf('name: "Quoted: yes"\n', "x")).toBe("Quoted: yes");
    expect(titleOf("steps: []\n", "untitled.yaml")).toBe("untitled.yaml");
  });
});
