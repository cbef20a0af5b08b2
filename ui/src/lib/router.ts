// Hash routes (`#/cases/ID`), so the embedded app needs no server-side routing.

export type DiaryView = "day" | "week" | "month";

export type Route =
  | { page: "today" }
  | { page: "diary"; date: string | null; view: DiaryView }
  | { page: "cases" }
  | { page: "case-new" }
  | { page: "case"; id: string }
  | { page: "case-edit"; id: string }
  | { page: "clients" }
  | { page: "client-new" }
  | { page: "client"; id: string }
  | { page: "outstanding" }
  | { page: "print"; date: string | null }
  | { page: "data" }
  | { page: "sync" }
  | { page: "settings" };

export type Section = "today" | "diary" | "cases" | "clients" | "outstanding" | "print" | "data" | "sync" | "settings";

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").replace(/^\/+/, "").split("?")[0];
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [a, b, c] = parts;
  switch (a) {
    case "diary": {
      const view: DiaryView = c === "week" || c === "month" ? c : "day";
      const date = b && /^\d{4}-\d{2}-\d{2}$/.test(b) ? b : null;
      return { page: "diary", date, view };
    }
    case "cases":
      if (!b) return { page: "cases" };
      if (b === "new") return { page: "case-new" };
      return c === "edit" ? { page: "case-edit", id: b } : { page: "case", id: b };
    case "clients":
      if (!b) return { page: "clients" };
      if (b === "new") return { page: "client-new" };
      return { page: "client", id: b };
    case "outstanding":
      return { page: "outstanding" };
    case "print":
      return { page: "print", date: b && /^\d{4}-\d{2}-\d{2}$/.test(b) ? b : null };
    case "data":
      return { page: "data" };
    case "sync":
      return { page: "sync" };
    case "settings":
      return { page: "settings" };
    default:
      return { page: "today" };
  }
}

export function routeHash(r: Route): string {
  const e = encodeURIComponent;
  switch (r.page) {
    case "today":
      return "#/today";
    case "diary":
      return r.date ? `#/diary/${r.date}/${r.view}` : `#/diary`;
    case "cases":
      return "#/cases";
    case "case-new":
      return "#/cases/new";
    case "case":
      return `#/cases/${e(r.id)}`;
    case "case-edit":
      return `#/cases/${e(r.id)}/edit`;
    case "clients":
      return "#/clients";
    case "client-new":
      return "#/clients/new";
    case "client":
      return `#/clients/${e(r.id)}`;
    case "outstanding":
      return "#/outstanding";
    case "print":
      return r.date ? `#/print/${r.date}` : "#/print";
    case "data":
      return "#/data";
    case "sync":
      return "#/sync";
    case "settings":
      return "#/settings";
  }
}

/** Which navigation section a route belongs to. */
export function sectionOf(r: Route): Section {
  switch (r.page) {
    case "case":
    case "case-new":
    case "case-edit":
      return "cases";
    case "client":
    case "client-new":
      return "clients";
    default:
      return r.page;
  }
}

/** The sidebar's sections in order; Alt and the digit `key` opens each. */
export const SECTIONS: { id: Section; label: string; key: string }[] = [
  { id: "today", label: "Today", key: "1" },
  { id: "diary", label: "Diary", key: "2" },
  { id: "cases", label: "Cases", key: "3" },
  { id: "clients", label: "Clients", key: "4" },
  { id: "outstanding", label: "Outstanding", key: "5" },
  { id: "print", label: "Print", key: "6" },
  { id: "data", label: "Backup & data", key: "7" },
  { id: "sync", label: "Chamber sync", key: "8" },
  { id: "settings", label: "Settings", key: "9" },
];

/** The section Alt and a digit opens (`"5"` → Outstanding), or null. */
export function sectionForKey(digit: string): Section | null {
  return SECTIONS.find((s) => s.key === digit)?.id ?? null;
}
