/** The CSS colour of series i (cycling through the 8 themed chart colours). */
export function seriesColor(i: number): string {
  return `var(--chart-${(i % 8) + 1})`;
}

/** A stable short id for aria-labelledby inside one page. */
let counter = 0;
export function chartId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}
