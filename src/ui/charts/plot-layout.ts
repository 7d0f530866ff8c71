/**
 * The box every x/y chart is drawn in: 680 units wide, the title on top, the legend under it
 * (wrapping to as many rows as its labels need), then the plot, then room for the x labels.
 * The plot's top moves down with the legend, so the y scale has to be built from this box.
 */
import { legendLayout, type LegendItem } from './legend-layout.ts';

export const PLOT_WIDTH = 680;
/** Room for the y tick labels and the rotated y axis label. */
export const PLOT_LEFT = 60;
const TITLE_HEIGHT = 34;
/**
 * How far a legend starts below the room a title alone needs: the title's baseline is at 18, and
 * a legend row's swatch and capitals rise about 11 above the row's baseline, so at 30 the first
 * row touched the title's descenders.
 */
const TITLE_TO_LEGEND = 6;
const LEGEND_TOP = 30 + TITLE_TO_LEGEND;
const LEGEND_GAP = 8;

export interface PlotBox {
  width: number;
  left: number;
  right: number;
  /** y of the plot's top edge (below title and legend). */
  top: number;
  plotHeight: number;
  /** y of the plot's bottom edge, where the x labels start. */
  plotBottom: number;
  /** Whole SVG height. */
  height: number;
  legend: { items: LegendItem[]; height: number; swatch: number };
}

export interface PlotBoxOptions {
  plotHeight: number;
  /** Margin right of the plot. */
  right: number;
  /** Room under the plot for x tick labels and the x axis label. */
  bottom: number;
  /** Width of a legend entry's sample (legend-layout.ts); a line chart's is wider, to show its dash. */
  swatch?: number;
}

/** The box for a chart whose legend lists `legendLabels` (none: no legend, no room for one). */
export function plotBox(legendLabels: readonly string[], { plotHeight, right, bottom, swatch }: PlotBoxOptions): PlotBox {
  const legend = legendLayout(legendLabels, PLOT_LEFT, LEGEND_TOP, PLOT_WIDTH - PLOT_LEFT - right, swatch);
  const top = TITLE_HEIGHT + (legend.height > 0 ? TITLE_TO_LEGEND + legend.height : 0) + LEGEND_GAP;
  return {
    width: PLOT_WIDTH,
    left: PLOT_LEFT,
    right,
    top,
    plotHeight,
    plotBottom: top + plotHeight,
    height: top + plotHeight + bottom,
    legend,
  };
}
