import { describe, expect, it } from "vitest";
import {
  boardItems,
  drawnRanges,
  firstPaintRows,
  layoutBoard,
  meanOr,
  MIN_ROW_PX,
  rowTarget,
  rowsInView,
  windowAround,
  windowHolds,
  type BoardItem,
} from "../src/lib/board";

// Three courts of 3, 0 and 4 rows; rows 10px (row 5 is 30px), heads 20px.
const sizes = [3, 0, 4];
const layout = layoutBoard(sizes, (i) => (i === 5 ? 30 : 10), () => 20);

/** Rows drawn by the items, in order, and the height they take in all (rows as laid out). */
function drawnAndHeight(items: BoardItem[]): { rows: number[]; px: number } {
  const rows: number[] = [];
  let px = 0;
  for (const it of items) {
    if (it.kind === "gap") px += it.px;
    else {
      px += layout.groupHead[it.group];
      for (const p of it.parts) {
        if (p.kind === "gap") px += p.px;
        else {
          rows.push(p.index);
          px += layout.rowHeight[p.index];
        }
      }
    }
  }
  return { rows, px };
}

describe("board layout", () => {
  it("puts each group's head above its rows", () => {
    expect(layout.groupTop).toEqual([0, 50, 70]);
    expect(layout.groupFirst).toEqual([0, 3, 3]);
    expect(layout.rowTop).toEqual([20, 30, 40, 90, 100, 110, 140]);
    expect(layout.height).toBe(150);
  });

  it("finds the rows meeting a band, by binary search", () => {
    expect(rowsInView(layout, 0, 25)).toEqual([0, 0]);
    expect(rowsInView(layout, 25, 95)).toEqual([0, 3]);
    expect(rowsInView(layout, 115, 120)).toEqual([5, 5]); // inside the tall row
    expect(rowsInView(layout, 0, 1000)).toEqual([0, 6]);
  });

  it("gives the nearest row for a band above or below the board", () => {
    expect(rowsInView(layout, -500, -100)).toEqual([0, 0]);
    expect(rowsInView(layout, 400, 900)).toEqual([6, 6]);
    expect(rowsInView(layoutBoard([], () => 10, () => 20), 0, 100)).toBeNull();
  });
});

describe("the window of rows drawn", () => {
  it("reaches overscan rows past the visible ones, within the board", () => {
    expect(windowAround([10, 20], 300, 5)).toEqual([5, 25]);
    expect(windowAround([0, 3], 300, 5)).toEqual([0, 8]);
    expect(windowAround([295, 299], 300, 5)).toEqual([290, 299]);
    expect(windowAround([0, 0], 0, 5)).toEqual([0, -1]);
  });

  it("holds while half the overscan is still drawn past what is visible", () => {
    expect(windowHolds([5, 25], [10, 20], 300, 10)).toBe(true);
    expect(windowHolds([5, 25], [12, 22], 300, 10)).toBe(false);
    expect(windowHolds([0, 25], [0, 20], 300, 10)).toBe(true);
    expect(windowHolds([280, 299], [290, 299], 300, 10)).toBe(true);
    // A board that shrank under the window (a reload with fewer hearings).
    expect(windowHolds([0, 40], [0, 10], 20, 4)).toBe(false);
  });

  it("draws at least a screenful of the shortest rows at first", () => {
    expect(firstPaintRows(720)).toBe(Math.ceil(720 / MIN_ROW_PX) + 2);
    expect(firstPaintRows(0)).toBe(12);
    expect(firstPaintRows(Number.NaN)).toBe(12);
    expect(firstPaintRows(100)).toBe(12);
  });

  it("keeps the focused row and its neighbours drawn, joined to the window when they touch it", () => {
    expect(drawnRanges([10, 20], null, 300)).toEqual([[10, 20]]);
    expect(drawnRanges([10, 20], 15, 300)).toEqual([[10, 20]]);
    expect(drawnRanges([10, 20], 21, 300)).toEqual([[10, 22]]);
    expect(drawnRanges([10, 20], 8, 300)).toEqual([[7, 20]]);
    expect(drawnRanges([10, 20], 200, 300)).toEqual([
      [10, 20],
      [199, 201],
    ]);
    expect(drawnRanges([10, 20], 0, 300)).toEqual([
      [0, 1],
      [10, 20],
    ]);
    expect(drawnRanges([10, 20], 299, 300)).toEqual([
      [10, 20],
      [298, 299],
    ]);
    expect(drawnRanges([10, 20], 400, 300)).toEqual([[10, 20]]);
    expect(drawnRanges([0, -1], 5, 300)).toEqual([[4, 6]]);
  });
});

describe("board items", () => {
  it("draws every row when asked for all, with no gaps", () => {
    const items = boardItems(layout, [[0, 6]]);
    expect(items.map((i) => i.kind)).toEqual(["group", "group", "group"]);
    expect(drawnAndHeight(items)).toEqual({ rows: [0, 1, 2, 3, 4, 5, 6], px: layout.height });
  });

  it("holds the height of undrawn rows and groups open, so rows stay where the layout puts them", () => {
    for (const ranges of [[[4, 5]], [[0, 0]], [[6, 6]], [[1, 1], [5, 5]], [[2, 3]]] as [number, number][][]) {
      const items = boardItems(layout, ranges);
      const { rows, px } = drawnAndHeight(items);
      expect(px).toBe(layout.height);
      expect(rows).toEqual(ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => a + k)));
    }
  });

  it("merges groups with nothing drawn into one gap, and always draws a group without rows", () => {
    const items = boardItems(layout, [[5, 5]]);
    expect(items[0]).toEqual({ kind: "gap", key: "groups-0", px: 50 });
    expect(items[1]).toMatchObject({ kind: "group", group: 1, parts: [] });
    expect(items[2]).toMatchObject({ kind: "group", group: 2 });
    const parts = (items[2] as Extract<BoardItem, { kind: "group" }>).parts;
    expect(parts).toEqual([
      { kind: "gap", key: "gap-3", px: 20 },
      { kind: "row", index: 5 },
      { kind: "gap", key: "gap-6", px: 10 },
    ]);
  });

  it("gives gaps keys that stay put while the rows around them change", () => {
    const a = boardItems(layout, [[0, 1]]);
    const b = boardItems(layout, [[0, 2]]);
    expect(a.at(-1)).toMatchObject({ kind: "gap", key: "groups-2", px: 80 });
    expect(b.at(-1)).toMatchObject({ kind: "gap", key: "groups-2", px: 80 });
  });
});

describe("moving through the board with keys", () => {
  it("steps, pages and jumps within the board", () => {
    expect(rowTarget("ArrowDown", 0, 300)).toBe(1);
    expect(rowTarget("ArrowUp", 5, 300)).toBe(4);
    expect(rowTarget("PageDown", 5, 300, 8)).toBe(13);
    expect(rowTarget("PageDown", 295, 300, 8)).toBe(299);
    expect(rowTarget("PageUp", 5, 300, 8)).toBe(0);
    expect(rowTarget("Home", 150, 300)).toBe(0);
    expect(rowTarget("End", 150, 300)).toBe(299);
  });

  it("does not move past the ends (the caller may go on to the next board) or for other keys", () => {
    expect(rowTarget("ArrowDown", 299, 300)).toBeNull();
    expect(rowTarget("ArrowUp", 0, 300)).toBeNull();
    expect(rowTarget("End", 299, 300)).toBeNull();
    expect(rowTarget("Home", 0, 300)).toBeNull();
    expect(rowTarget("x", 3, 300)).toBeNull();
    expect(rowTarget("ArrowDown", -1, 300)).toBeNull();
    expect(rowTarget("ArrowDown", 0, 0)).toBeNull();
  });
});

describe("meanOr", () => {
  it("averages what was measured, or falls back", () => {
    expect(meanOr([10, 20, 30], 66)).toBe(20);
    expect(meanOr(new Map<string, number>().values(), 66)).toBe(66);
  });
});
