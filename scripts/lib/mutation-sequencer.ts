import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The order of a module's test files under mutation (vitest.mutation.config.ts): cheapest
 * first. Stryker's Vitest runner stops a mutant's run at the first failing test (bail 1), so a
 * mutant the quick example tests kill never reaches the property tests. Vitest's own order is
 * the opposite, longest first (it balances parallel workers; Stryker runs one): on framing.ts
 * the property tests ran first for every mutant. The order changes no verdict, only how soon
 * it comes: a mutant is killed when any of its tests fails, whichever runs first.
 */
export function cheapestFirst<T>(files: readonly T[], cost: (file: T) => number | undefined, size: (file: T) => number): T[] {
  return [...files].sort((a, b) => {
    const costA = cost(a);
    const costB = cost(b);
    // A file never timed yet (the first run) goes by size: smaller first.
    if (costA === undefined || costB === undefined) return costA === undefined && costB === undefined ? size(a) - size(b) : costA === undefined ? -1 : 1;
    return costA - costB;
  });
}

/**
 * The cost of a file is the longest run of it seen in this process. Vitest's cache keeps only
 * the last run, and under Stryker's per-test coverage a run may have been a few of the file's
 * tests: the longest is the whole file, which the dry run times first.
 */
export class CheapestFirstSequencer extends BaseSequencer {
  private readonly longest = new Map<string, number>();

  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const key = (file: TestSpecification) => `${file.project.name}:${path.relative(this.ctx.config.root, file.moduleId)}`;
    for (const file of files) {
      const duration = this.ctx.cache.getFileTestResults(key(file))?.duration;
      if (duration !== undefined) this.longest.set(key(file), Math.max(duration, this.longest.get(key(file)) ?? 0));
    }
    return cheapestFirst(files, (file) => this.longest.get(key(file)), (file) => this.ctx.cache.getFileStats(key(file))?.size ?? 0);
  }
}
