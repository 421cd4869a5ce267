/** Order statistics of one figure's samples: medians and spreads, never a lone number. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p99: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("no samples to summarize");
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
  return { n: sorted.length, min: sorted[0]!, median: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
}

export const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;
