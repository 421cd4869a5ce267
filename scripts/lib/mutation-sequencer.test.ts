import { describe, expect, it } from "vitest";
import { cheapestFirst } from "./mutation-sequencer";

describe("cheapestFirst (the order of a module's test files under mutation)", () => {
  const size = (file: { size: number }) => file.size;
  const cost = (file: { cost?: number }) => file.cost;

  it("runs the quickest file first, so a mutant it kills never reaches the slow ones", () => {
    const files = [
      { name: "property", cost: 9000, size: 9 },
      { name: "exact", cost: 300, size: 7 },
      { name: "example", cost: 800, size: 8 },
    ];
    expect(cheapestFirst(files, cost, size).map((file) => file.name)).toEqual(["exact", "example", "property"]);
  });

  it("puts a file never timed before the timed ones, and orders untimed files by size", () => {
    const files = [
      { name: "timed", cost: 5, size: 1 },
      { name: "big", size: 900 },
      { name: "small", size: 20 },
    ];
    expect(cheapestFirst(files, cost, size).map((file) => file.name)).toEqual(["small", "big", "timed"]);
  });

  it("keeps the files it was given", () => {
    const files = [{ name: "a", cost: 2, size: 1 }];
    const sorted = cheapestFirst(files, cost, size);
    expect(sorted).toEqual(files);
    expect(sorted).not.toBe(files);
  });
});
