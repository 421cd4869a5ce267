/**
 * A lesson file that does not follow lessons/README.md. The message names the file, the
 * field and what to write instead, so the build log alone is enough to fix it.
 */
export class LessonFormatError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field === "" ? "" : `${field}: `}${problem}`);
    this.name = "LessonFormatError";
  }
}

/** Reads untyped front matter one field at a time, throwing LessonFormatError with the field's path. */
export class FieldReader {
  constructor(
    readonly file: string,
    private readonly prefix = "",
  ) {}

  fail(field: string, problem: string): never {
    throw new LessonFormatError(this.file, this.path(field), problem);
  }

  path(field: string): string {
    if (this.prefix === "") return field;
    if (field === "") return this.prefix;
    return field.startsWith("[") ? `${this.prefix}${field}` : `${this.prefix}.${field}`;
  }

  /** A reader for a nested object, so messages say `check[2].has[0].path`. */
  nested(field: string): FieldReader {
    return new FieldReader(this.file, this.path(field));
  }

  object(value: unknown, field: string, example: string): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail(field, `expected a mapping, such as ${example}`);
    return value as Record<string, unknown>;
  }

  /** Refuses keys the format does not define: a typo must not silently switch a matcher off. */
  onlyKeys(record: Record<string, unknown>, field: string, allowed: readonly string[]): void {
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key)) {
        const where = field === "" ? key : `${field}.${key}`;
        this.fail(where, `unknown field "${key}"; the fields allowed here are ${allowed.join(", ")} (see lessons/README.md)`);
      }
    }
  }

  string(value: unknown, field: string, what: string, options: { optional?: boolean; nonEmpty?: boolean } = {}): string | undefined {
    if (value === undefined || value === null) {
      if (options.optional) return undefined;
      this.fail(field, `missing; write ${what}`);
    }
    if (typeof value !== "string") {
      const hint =
        typeof value === "number" || typeof value === "boolean"
          ? ` (YAML read ${JSON.stringify(value)}; put the value in quotes)`
          : typeof value === "object" && !Array.isArray(value)
            ? ` (YAML read a mapping, because the text contains ": "; put the whole text in quotes)`
            : "";
      this.fail(field, `expected text: ${what}${hint}`);
    }
    if (options.nonEmpty !== false && value.trim() === "") this.fail(field, `is empty; write ${what}`);
    return value;
  }

  requiredString(value: unknown, field: string, what: string): string {
    return this.string(value, field, what) as string;
  }

  oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], options: { optional?: boolean } = {}): T | undefined {
    if ((value === undefined || value === null) && options.optional) return undefined;
    if (typeof value !== "string" || !allowed.includes(value as T)) {
      this.fail(field, `${value === undefined ? "missing" : `${JSON.stringify(value)} is not allowed`}; write one of ${allowed.join(", ")}`);
    }
    return value as T;
  }

  stringList(value: unknown, field: string, what: string, options: { minimum?: number } = {}): string[] {
    if (value === undefined || value === null) this.fail(field, `missing; write a list of ${what}`);
    if (!Array.isArray(value)) this.fail(field, `expected a list of ${what}, such as [a, b] or one "- item" per line`);
    if (value.length < (options.minimum ?? 0)) this.fail(field, `needs at least ${options.minimum} ${what}`);
    return value.map((item, index) => this.requiredString(item, `${field}[${index}]`, what));
  }

  stringMap(value: unknown, field: string): Record<string, string> {
    const record = this.object(value, field, "{ name: value }");
    const result: Record<string, string> = {};
    for (const [key, item] of Object.entries(record)) result[key] = this.string(item, `${field}.${key}`, "the exact value", { nonEmpty: false }) as string;
    return result;
  }
}
