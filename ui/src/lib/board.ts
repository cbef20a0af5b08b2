// How a day's board is laid out when it runs to hundreds of hearings. Only the
// rows in and around the window are in the page; the rest are held open as
// empty space of the height they had when last drawn (or, never drawn, of the
// average row), so the scrollbar and the rows' places stay true. Keeping a
// busy board's hundreds of rows in the page would cost a date switch about as
// much to take down as to draw (WebKit drops every row's boxes), so only
// what can be seen is built. Kept out of Board.svelte so it can be tested.

/** The shortest a hearing row can be (one line of text and the action button), in px at 15px/rem. */
export const MIN_ROW_PX = 36;
/** A row before any has been measured (title, court room, stage and purpose). */
export const DEFAULT_ROW_PX = 66;
/** A court group's heading and table head (and the gap above a later group) before one has been measured. */
export const DEFAULT_HEAD_PX = 72;

/** Where every row and court group of a board sits, from the board's top (px). */
export interface BoardLayout {
  rowTop: number[];
  rowHeight: number[];
  groupTop: number[];
  /** Heading and table head of each group, above its first row. */
  groupHead: number[];
  /** Index of each group's first row among all the board's rows. */
  groupFirst: number[];
  groupSize: number[];
  height: number;
}

/** Lays rows out group by group: each group's head, then its rows. */
export function layoutBoard(sizes: number[], rowHeight: (i: number) => number, headHeight: (g: number) => number): BoardLayout {
  const out: BoardLayout = { rowTop: [], rowHeight: [], groupTop: [], groupHead: [], groupFirst: [], groupSize: [], height: 0 };
  let y = 0;
  let i = 0;
  sizes.forEach((size, g) => {
    const head = headHeight(g);
    out.groupTop.push(y);
    out.groupHead.push(head);
    out.groupFirst.push(i);
    out.groupSize.push(size);
    y += head;
    for (let k = 0; k < size; k++, i++) {
      const h = rowHeight(i);
      out.rowTop.push(y);
      out.rowHeight.push(h);
      y += h;
    }
  });
  out.height = y;
  return out;
}

/**
 * The first and last rows that meet the band [top, bottom) (px from the board's
 * top). A band above the board gives its first row, one below gives its last:
 * the rows nearest the window, so that stepping into the board from the one
 * before or after it finds a row there. Null for a board without rows.
 */
export function rowsInView(l: BoardLayout, top: number, bottom: number): [number, number] | null {
  const n = l.rowTop.length;
  if (n === 0) return null;
  // First row whose bottom is below `top`.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (l.rowTop[mid] + l.rowHeight[mid] > top) hi = mid;
    else lo = mid + 1;
  }
  const first = lo;
  // Last row whose top is above `bottom`.
  lo = 0;
  hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (l.rowTop[mid] < bottom) lo = mid;
    else hi = mid - 1;
  }
  const last = lo;
  return first <= last ? [first, last] : [Math.min(first, last), Math.min(first, last)];
}

/** The rows to draw around the visible ones: `overscan` more on each side, within the board's `n` rows. */
export function windowAround(visible: [number, number], n: number, overscan: number): [number, number] {
  if (n <= 0) return [0, -1];
  return [Math.max(0, Math.min(visible[0], n - 1) - overscan), Math.min(n - 1, Math.max(visible[1], 0) + overscan)];
}

/** Whether the rows drawn still reach half the overscan past what is visible (then the window need not move). */
export function windowHolds(current: [number, number], visible: [number, number], n: number, overscan: number): boolean {
  const half = Math.floor(overscan / 2);
  const wantFirst = Math.max(0, visible[0] - half);
  const wantLast = Math.min(n - 1, visible[1] + half);
  return current[0] <= wantFirst && current[1] >= wantLast && current[1] <= n - 1;
}

/** How many rows to draw at once for a window `viewportPx` tall: enough to fill it even if
 * every row were as short as a row can be, and never fewer than `floor`. */
export function firstPaintRows(viewportPx: number, floor = 12): number {
  if (!Number.isFinite(viewportPx) || viewportPx <= 0) return floor;
  return Math.max(floor, Math.ceil(viewportPx / MIN_ROW_PX) + 2);
}

/**
 * The sorted, non-overlapping row ranges to draw: the window, and the focused
 * row with a row either side of it, wherever it is (so that Tab and Shift+Tab
 * from it find the next and the previous row, even scrolled far from it).
 */
export function drawnRanges(win: [number, number], keep: number | null, n: number): [number, number][] {
  const ranges: [number, number][] = [];
  const a = Math.max(0, win[0]);
  const b = Math.min(n - 1, win[1]);
  if (a <= b) ranges.push([a, b]);
  if (keep !== null && keep >= 0 && keep < n) ranges.push([Math.max(0, keep - 1), Math.min(n - 1, keep + 1)]);
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

export type RowPart = { kind: "row"; index: number } | { kind: "gap"; key: string; px: number };
export type BoardItem = { kind: "group"; group: number; parts: RowPart[] } | { kind: "gap"; key: string; px: number };

/**
 * What to put in the page for the rows in `ranges`: the court groups with a row
 * drawn (each with its rows, and gaps of the undrawn rows' height between
 * them), and one gap for each run of groups with none. A group without rows
 * is always drawn (its heading says so).
 */
export function boardItems(l: BoardLayout, ranges: [number, number][]): BoardItem[] {
  const items: BoardItem[] = [];
  let gapFrom = -1;
  let gapPx = 0;
  const flush = (key: string) => {
    if (gapPx > 0) items.push({ kind: "gap", key, px: gapPx });
    gapPx = 0;
    gapFrom = -1;
  };
  for (let g = 0; g < l.groupTop.length; g++) {
    const first = l.groupFirst[g];
    const last = first + l.groupSize[g] - 1;
    const clipped = ranges.filter(([a, b]) => b >= first && a <= last).map(([a, b]) => [Math.max(a, first), Math.min(b, last)]);
    if (l.groupSize[g] > 0 && clipped.length === 0) {
      if (gapFrom < 0) gapFrom = g;
      gapPx += l.groupHead[g] + (l.rowTop[last] + l.rowHeight[last] - l.rowTop[first]);
      continue;
    }
    flush(`groups-${gapFrom}`);
    const parts: RowPart[] = [];
    let cursor = first;
    for (const [a, b] of clipped) {
      if (a > cursor) parts.push({ kind: "gap", key: `gap-${cursor}`, px: l.rowTop[a] - l.rowTop[cursor] });
      for (let i = a; i <= b; i++) parts.push({ kind: "row", index: i });
      cursor = b + 1;
    }
    if (l.groupSize[g] > 0 && cursor <= last) {
      parts.push({ kind: "gap", key: `gap-${cursor}`, px: l.rowTop[last] + l.rowHeight[last] - l.rowTop[cursor] });
    }
    items.push({ kind: "group", group: g, parts });
  }
  flush(`groups-${gapFrom}`);
  return items;
}

/** The mean of the measured sizes, or `fallback` before any. */
export function meanOr(values: Iterable<number>, fallback: number): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    sum += v;
    n += 1;
  }
  return n > 0 ? sum / n : fallback;
}

/** The row a key moves focus to from row `index` of `count` (arrows one step,
 * PageUp/PageDown `page` rows, Home/End the ends), or null when it does not move. */
export function rowTarget(key: string, index: number, count: number, page = 10): number | null {
  if (count <= 0 || index < 0 || index >= count) return null;
  let to: number;
  switch (key) {
    case "ArrowDown":
      to = index + 1;
      break;
    case "ArrowUp":
      to = index - 1;
      break;
    case "PageDown":
      to = Math.min(count - 1, index + Math.max(1, page));
      break;
    case "PageUp":
      to = Math.max(0, index - Math.max(1, page));
      break;
    case "Home":
      to = 0;
      break;
    case "End":
      to = count - 1;
      break;
    default:
      return null;
  }
  return to >= 0 && to < count && to !== index ? to : null;
}
