import { describe, expect, it } from "vitest";
import { parseTableSize } from "./archive-guard";

describe("the archive guard's reading of ejabberdctl mnesia_table_info", () => {
  it("takes the table's size, not another number of the dump", () => {
    const dump = "[{access_mode,read_write},\n {memory,2791},\n {size,30},\n {storage_type,disc_copies},\n {type,bag}]\n";
    expect(parseTableSize(dump)).toBe(30);
  });

  it("says null when the output has no size (an error message, an unknown table)", () => {
    expect(parseTableSize("Error: badrpc\n")).toBeNull();
    expect(parseTableSize("{memory,2791}")).toBeNull();
  });
});
