/**
 * A line redrawn in place (`\r`, then the text, then ESC[K) must fit the terminal: a line that
 * wraps cannot be redrawn, and each redraw leaves the wrapped half of the last one behind.
 */

/**
 * `line` cut to the terminal's width, ending in "…" when cut. A terminal that does not say its
 * width (`script`, some CI consoles) reports 0 columns: take 80 then. The last column stays
 * empty, since some terminals wrap as soon as it is written.
 */
export function fitToTerminal(line: string, columns: number | undefined): string {
  const width = terminalWidth(columns);
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** The columns a redrawn line may fill (see fitToTerminal). */
export function terminalWidth(columns: number | undefined): number {
  return Math.max(20, (columns || 80) - 1);
}
