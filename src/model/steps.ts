/**
 * Parsing a big trace in steps: the readers and the builder are generators
 * that pause every STEP_SPANS spans with how far they are. Run to the end at
 * once (`drain`) they are the plain functions; the renderer instead runs them
 * a slice of time at a time (common/slices.ts), so a 100k-span trace never
 * blocks the page while it is read.
 */

/** How often (in spans) a step pauses: small enough that a pause comes every few ms. */
export const STEP_SPANS = 2048;

/** Where a parse is: reading the payload's spans, or building the tree of one trace. */
export interface Progress {
  phase: 'read' | 'build';
  done: number;
  total: number;
}

export type Steps<T> = Generator<Progress, T, void>;

/** Run the steps to the end, now. */
export function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) {
      return r.value;
    }
  }
}

/** The share of the whole parse a progress point stands for (reading ≈ 1/3, building ≈ 2/3). */
export function progressShare(p: Progress): number {
  const f = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  return p.phase === 'read' ? f / 3 : 1 / 3 + (2 * f) / 3;
}
