// Shared app state (Svelte 5 runes): the core's status, the current route, the
// open dialogs, and what changed (see lib/invalidation.ts), which pages watch to
// reload what they show.

import type { AppStatus_Serialize, RunningTimer_Serialize, WorkProgress } from "./lib/bindings";
import { localToday } from "./lib/dates";
import { Invalidation, type Topic } from "./lib/invalidation";
import { parseRoute, routeHash, type Route } from "./lib/router";

export interface RecordTarget {
  caseId: string;
  number: string;
  title: string;
  court: string;
  /** The hearing's date (ISO). */
  date: string;
  item: number | null;
}

export const app = $state({
  status: null as AppStatus_Serialize | null,
  today: localToday(),
  route: parseRoute(typeof location === "undefined" ? "" : location.hash) as Route,
  record: null as RecordTarget | null,
  paletteOpen: false,
  /** A message for the page navigated to after a record went away (an erased client). */
  notice: null as string | null,
  /** What the quick check found at start-up after Nextdate was not closed properly (shown on Today until dismissed). */
  startupCheck: null as string | null,
});

/**
 * Long work under way in the core (a backup, a restore, an import): how many
 * run, and the latest `progress` event (null before the first and after the
 * last). While any runs, the status poll and the heartbeat wait: the diary is
 * busy with it (or, during a restore, put aside), and the window must stay
 * free to send "Cancel".
 */
export const work = $state({
  running: 0,
  progress: null as WorkProgress | null,
});

/** Runs `f`, a command that reports progress, as long work (see `work`). */
export async function longWork<T>(f: () => Promise<T>): Promise<T> {
  work.running += 1;
  try {
    return await f();
  } finally {
    work.running -= 1;
    if (work.running === 0) work.progress = null;
  }
}

export function navigate(r: Route): void {
  const h = routeHash(r);
  if (location.hash !== h) {
    location.hash = h;
    // A new page starts at the top (App's hashchange listener does the same for links and Back).
    document.getElementById("main")?.scrollTo({ top: 0 });
  }
  // Shown now, not when WebKit gets round to `hashchange` (a task later, often
  // after a frame has been painted): App's listener then finds it shown already.
  app.route = r;
}

/**
 * The timer running on this laptop, as the core last said (the core keeps it,
 * so it survives a restart). TimerIndicator loads it whenever the "timer"
 * topic changes; case pages read it for their Start timer.
 */
export const timer = $state({
  running: null as RunningTimer_Serialize | null,
});

/** Per-topic change counters, reactive so that `watch` subscribes an effect to its topics only. */
const changes = $state<Record<string, number>>({});
const invalidation = new Invalidation(changes);

/** The last change this laptop made, offered for "Undo" for a while (see UndoBar). */
export const undoOffer = $state({
  /** The history message of the change Undo would take back; null when none is offered. */
  message: null as string | null,
  /** What the last undo took back, shown briefly after it. */
  undid: null as string | null,
  /** Counts offers, so a new change restarts the bar's timer. */
  serial: 0,
});

/** Set by the UndoBar: asks the core what Undo would take back now. */
let offerUndo: () => void = () => {};
export function setUndoOffer(f: () => void): void {
  offerUndo = f;
}

/** After a write: reloads whatever shows one of `topics` (see `touches`), and offers "Undo". */
export function changed(topics: Topic[]): void {
  invalidation.touch(...topics);
  offerUndo();
}

/** After a change "Undo" does not take back (a status link given or revoked):
 * the screens refresh, and no Undo is offered for it. */
export function changedForGood(topics: Topic[]): void {
  invalidation.touch(...topics);
}

/** After a change that may have touched anything (sync, import, restore). */
export function changedEverything(): void {
  invalidation.touchAll();
}

/** Read inside an `$effect`: makes it re-run when one of `topics` changes (see `shows`). */
export function watch(topics: Topic[]): number {
  return invalidation.stamp(topics);
}

export function openRecord(t: RecordTarget): void {
  app.paletteOpen = false;
  app.record = t;
}

/** Focuses the element matching `selector` once it has been rendered. */
export function focusSoon(selector: string, tries = 20): void {
  const el = document.querySelector<HTMLElement>(selector);
  if (el) {
    el.focus();
    return;
  }
  if (tries > 0) requestAnimationFrame(() => focusSoon(selector, tries - 1));
}

/** Whether a keyboard event comes from a place where the user types text. */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  const tag = t.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || t.isContentEditable;
}

/** The case list's filters, kept while moving around the app. */
export const caseFilters = { court: "", stage: "", status: "", undated: false, text: "" };
