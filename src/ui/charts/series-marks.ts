/**
 * What tells a chart's series apart besides colour. A figure printed in black and white, pasted
 * into a greyscale paper, washed out by a projector or read with a colour-vision deficiency lost
 * every series but by its colour: a line chart's series each get a marker shape and a dash
 * pattern, a bar's or a stacked layer's a fill texture. Keyed, like the colour, by the series'
 * palette slot, so an arm keeps its marks from figure to figure.
 */

const SLOTS = 8;

/** Marker shapes, one per slot: filled where a shape reads at 4 px, outlined where it does not. */
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'triangle-down' | 'plus' | 'cross' | 'ring';
const SHAPES: readonly MarkerShape[] = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'plus', 'cross', 'ring'];

/** Line dashes, cycling every four slots (the markers tell slot k from slot k + 4 apart). */
const DASHES: readonly string[] = ['none', '8 4', '2 3', '10 3 2 3'];

/** Fill textures over a bar's or a layer's colour; slot 0 stays plain. */
export type Texture = 'plain' | 'rising' | 'dots' | 'horizontal' | 'crosshatch' | 'falling' | 'vertical' | 'grid';
const TEXTURES: readonly Texture[] = ['plain', 'rising', 'dots', 'horizontal', 'crosshatch', 'falling', 'vertical', 'grid'];

function slotOf(i: number): number {
  return ((Math.trunc(i) % SLOTS) + SLOTS) % SLOTS;
}

export function markerShape(slot: number): MarkerShape {
  return SHAPES[slotOf(slot)] ?? 'circle';
}

/** The stroke-dasharray of slot's line ('none': solid). */
export function lineDash(slot: number): string {
  return DASHES[slotOf(slot) % DASHES.length] ?? 'none';
}

export function texture(slot: number): Texture {
  return TEXTURES[slotOf(slot)] ?? 'plain';
}

/** The id of `name`'s pattern among a chart's textures (ChartTextures.svelte) defined under `prefix`. */
export function textureId(prefix: string, name: Texture): string {
  return `${prefix}-${name}`;
}

/** The fill that lays slot's texture over its colour, or null for a slot that stays plain. */
export function textureFill(prefix: string, slot: number): string | null {
  const name = texture(slot);
  return name === 'plain' ? null : `url(#${textureId(prefix, name)})`;
}

/** Whether `shape` is drawn as a stroke (no area to fill at marker size). */
export function strokedMarker(shape: MarkerShape): boolean {
  return shape === 'plus' || shape === 'cross' || shape === 'ring';
}

/**
 * The SVG path of `shape` centred on (cx, cy), about `r` from centre to edge; shapes with corners
 * are drawn a little larger than the circle so that all read as the same size.
 */
export function markerPath(shape: MarkerShape, cx: number, cy: number, r: number): string {
  const f = (n: number) => Number(n.toFixed(2));
  switch (shape) {
    case 'circle':
    case 'ring':
      return `M${f(cx - r)},${f(cy)}a${f(r)},${f(r)} 0 1,0 ${f(2 * r)},0a${f(r)},${f(r)} 0 1,0 ${f(-2 * r)},0Z`;
    case 'square': {
      const h = r * 0.9;
      return `M${f(cx - h)},${f(cy - h)}H${f(cx + h)}V${f(cy + h)}H${f(cx - h)}Z`;
    }
    case 'triangle': {
      const h = r * 1.25;
      return `M${f(cx)},${f(cy - h)}L${f(cx + h)},${f(cy + h * 0.8)}H${f(cx - h)}Z`;
    }
    case 'triangle-down': {
      const h = r * 1.25;
      return `M${f(cx)},${f(cy + h)}L${f(cx + h)},${f(cy - h * 0.8)}H${f(cx - h)}Z`;
    }
    case 'diamond': {
      const h = r * 1.3;
      return `M${f(cx)},${f(cy - h)}L${f(cx + h)},${f(cy)}L${f(cx)},${f(cy + h)}L${f(cx - h)},${f(cy)}Z`;
    }
    case 'plus': {
      const h = r * 1.2;
      return `M${f(cx - h)},${f(cy)}H${f(cx + h)}M${f(cx)},${f(cy - h)}V${f(cy + h)}`;
    }
    case 'cross': {
      const h = r;
      return `M${f(cx - h)},${f(cy - h)}L${f(cx + h)},${f(cy + h)}M${f(cx - h)},${f(cy + h)}L${f(cx + h)},${f(cy - h)}`;
    }
  }
}
