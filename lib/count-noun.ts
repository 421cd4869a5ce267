/**
 * "1 step", "2 steps", "1,500 entries": a count with its noun in the number it takes, for
 * every sentence the playground writes about how many of something there are.
 */
export function countNoun(count: number, noun: string, plural = `${noun}s`): string {
  return `${count.toLocaleString("en")} ${count === 1 ? noun : plural}`;
}
