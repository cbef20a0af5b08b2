// Shared app state (Svelte 5 runes): the core's status, the current route, the
// open dialogs, and a version counter that pages watch to reload after a change.

import type { AppStatus_Serialize } from "./lib/bindings";
import { localToday } from "./lib/dates";
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
  /** Bumped after every write so the visible page reloads. */
  version: 0,
  record: null as RecordTarget | null,
  paletteOpen: false,
});

export function navigate(r: Route): void {
  const h = routeHash(r);
  if (location.hash === h) app.route = r;
  else location.hash = h;
}

export function changed(): void {
  app.version++;
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
