// Invalidation by what changed: every write says which parts of the diary it
// touched (a `Topic`), every page says which parts it shows, and a page reloads
// only when one of those was touched. Changes that may have touched anything (a
// sync round, changes merged from another device, an import, a restore) touch
// everything.
//
// The bookkeeping is plain TypeScript over a record of counters, so it can be
// tested without Svelte; state.svelte.ts hands it a reactive record, which makes a
// page's `$effect` that reads `watch(...)` re-run exactly when its topics change.

/** A part of the diary that pages show and writes change. */
export type Topic =
  /** Everything shown about one case: its facts, hearings, tasks, notes, fees, documents, history. */
  | `case:${string}`
  /** Case summaries: the case list, its filters and full-text search. */
  | "cases"
  /** Clients: the client list and every client page (linked cases, fee balances). */
  | "clients"
  /** Hearings by date: day boards, day counts, undated cases. */
  | "board"
  /** Task lists across cases (overdue tasks). */
  | "tasks"
  /** Chamber sync: relay, devices, last round. */
  | "sync"
  /** The timer running on this laptop (the indicator in the sidebar, and the case pages' Start timer). */
  | "timer"
  /** What is owed across the chamber: the Outstanding screen (balances due, unpaid bills). */
  | "accounts";

/** The topic of one case. */
export function caseTopic(id: string): Topic {
  return `case:${id}`;
}

/** What each kind of write touches. */
export const touches = {
  /** An outcome and next date recorded on a hearing: the case, the boards, the case's
   * latest date in lists and on its clients' pages. */
  hearingRecorded: (caseId: string): Topic[] => [caseTopic(caseId), "board", "cases", "clients", "accounts"],
  /** A case created or edited: its facts, parties, clients and (when new) first date; its
   * number, title and clients as the outstanding list names them. */
  caseSaved: (caseId: string): Topic[] => [caseTopic(caseId), "board", "cases", "clients", "tasks", "accounts"],
  /** A task added, marked done, corrected, reassigned, reopened or removed (`caseId`
   * is the chamber's id for a chamber task). */
  taskChanged: (caseId: string): Topic[] => [caseTopic(caseId), "tasks"],
  /** A note added to a case (also found by full-text search). */
  noteAdded: (caseId: string): Topic[] => [caseTopic(caseId), "cases"],
  /** A fee entry: the case's balance, its clients' balances and what is outstanding. */
  feeAdded: (caseId: string): Topic[] => [caseTopic(caseId), "clients", "accounts"],
  /** A document attached to a case. */
  documentAttached: (caseId: string): Topic[] => [caseTopic(caseId)],
  /** A note corrected (text or who may see it) or removed: searched, like a new one. */
  noteChanged: (caseId: string): Topic[] => [caseTopic(caseId), "cases"],
  /** A fee entry corrected or voided: the case's balance, its clients' balances and what is outstanding. */
  feeChanged: (caseId: string): Topic[] => [caseTopic(caseId), "clients", "accounts"],
  /** A document renamed, made private or client-visible, or removed. */
  documentChanged: (caseId: string): Topic[] => [caseTopic(caseId)],
  /** A new client. */
  clientAdded: (): Topic[] => ["clients"],
  /** A hearing corrected or removed, or an undated case listed on a date: the case moves
   * boards, its latest date changes in lists and on its clients' pages, and an appearance
   * may be charged or no longer. */
  hearingCorrected: (caseId: string): Topic[] => [caseTopic(caseId), "board", "cases", "clients", "accounts"],
  /** A case disposed of, transferred, stayed or reopened: its status shows in lists and on
   * client pages, and its dates after a disposal or transfer leave the boards. */
  caseStatusChanged: (caseId: string): Topic[] => [caseTopic(caseId), "board", "cases", "clients"],
  /** A client's details corrected: client pages, search, the pages of the cases that name
   * the client (which show its name and phones), and the outstanding list (which names it). */
  clientEdited: (caseIds: string[]): Topic[] => ["clients", "cases", "accounts", ...caseIds.map(caseTopic)],
  /** A client removed (only possible when no case names it): the client list and search. */
  clientRemoved: (): Topic[] => ["clients", "cases"],
  /** A case's fee terms set or cleared: its account, and what is outstanding. */
  termsSet: (caseId: string): Topic[] => [caseTopic(caseId), "accounts"],
  /** Time added, corrected or removed on a case: its time list and account, and what is outstanding. */
  timeChanged: (caseId: string): Topic[] => [caseTopic(caseId), "accounts"],
  /** The timer started or discarded: nothing is written to a case. */
  timerChanged: (): Topic[] => ["timer"],
  /** The timer stopped: its time recorded on the case (charged at an hourly rate). */
  timerStopped: (caseId: string): Topic[] => [caseTopic(caseId), "timer", "accounts"],
  /** A receipt numbered for a payment: the fee entry shows its number. */
  receiptIssued: (caseId: string): Topic[] => [caseTopic(caseId)],
  /** A status link given or revoked: its case's history (or the client list) shows it. */
  statusLinkChanged: (ownerId: string): Topic[] => [caseTopic(ownerId), "clients"],
  /** A bill issued or cancelled, for a case or for a client's cases (`caseIds`): the case
   * pages (their bills, and the tax it charged in their accounts), client pages (their bills
   * and statements) and what is outstanding (unpaid bills). */
  billChanged: (caseIds: string[]): Topic[] => [...caseIds.map(caseTopic), "clients", "accounts"],
} as const;

/** What each page shows (and so reloads on). */
export const shows = {
  today: (): Topic[] => ["board", "tasks"],
  diary: (): Topic[] => ["board"],
  cases: (): Topic[] => ["cases"],
  case: (id: string): Topic[] => [caseTopic(id)],
  clients: (): Topic[] => ["clients"],
  client: (): Topic[] => ["clients"],
  sync: (): Topic[] => ["sync"],
  /** Balances due and unpaid bills across the chamber. */
  outstanding: (): Topic[] => ["accounts"],
  /** The running timer names its case by number, which an edit of the case can change. */
  timer: (): Topic[] => ["timer", "cases"],
} as const;

/** The key under which "everything changed" is counted. */
const ALL = "*";

/**
 * Counters per topic, kept in a record the caller provides (a Svelte `$state`
 * record in the app, a plain object in tests). Counters only ever grow, so the
 * sum of a page's counters changes exactly when one of its topics was touched.
 */
export class Invalidation {
  readonly #counts: Record<string, number>;

  constructor(counts: Record<string, number> = {}) {
    this.#counts = counts;
  }

  /** Records that a write touched these topics. */
  touch(...topics: Topic[]): void {
    for (const t of new Set(topics)) this.#counts[t] = (this.#counts[t] ?? 0) + 1;
  }

  /** Records a change that may have touched anything (sync, import, restore). */
  touchAll(): void {
    this.#counts[ALL] = (this.#counts[ALL] ?? 0) + 1;
  }

  /** A number that changes whenever one of `topics` (or everything) is touched. */
  stamp(topics: readonly Topic[]): number {
    let n = this.#counts[ALL] ?? 0;
    for (const t of topics) n += this.#counts[t] ?? 0;
    return n;
  }
}
