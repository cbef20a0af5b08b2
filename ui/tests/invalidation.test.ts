import { describe, expect, it } from "vitest";
import { caseTopic, Invalidation, shows, touches, type Topic } from "../src/lib/invalidation";

/** Whether a write touching `written` makes a page showing `shown` reload. */
function reloads(written: Topic[], shown: Topic[]): boolean {
  const inv = new Invalidation();
  const before = inv.stamp(shown);
  inv.touch(...written);
  return inv.stamp(shown) !== before;
}

describe("invalidation store", () => {
  it("changes a stamp only when one of its topics is touched", () => {
    const inv = new Invalidation();
    const page: Topic[] = ["board", "tasks"];
    const s0 = inv.stamp(page);
    inv.touch("clients", "sync", caseTopic("A"));
    expect(inv.stamp(page)).toBe(s0);
    inv.touch("tasks");
    const s1 = inv.stamp(page);
    expect(s1).not.toBe(s0);
    inv.touch("board", "board", "tasks");
    expect(inv.stamp(page)).not.toBe(s1);
  });

  it("keeps cases apart", () => {
    const inv = new Invalidation();
    const a = inv.stamp([caseTopic("A")]);
    inv.touch(caseTopic("B"));
    expect(inv.stamp([caseTopic("A")])).toBe(a);
    inv.touch(caseTopic("A"));
    expect(inv.stamp([caseTopic("A")])).not.toBe(a);
  });

  it("touching everything changes every stamp, even of topics never touched", () => {
    const inv = new Invalidation();
    const pages: Topic[][] = [[], ["sync"], [caseTopic("never")], shows.today(), shows.sync()];
    const before = pages.map((p) => inv.stamp(p));
    inv.touchAll();
    pages.forEach((p, i) => expect(inv.stamp(p)).not.toBe(before[i]));
  });

  it("keeps its counters in the record it is given (a reactive one in the app)", () => {
    const counts: Record<string, number> = {};
    const inv = new Invalidation(counts);
    inv.touch("cases", caseTopic("X"));
    inv.touchAll();
    expect(counts).toEqual({ cases: 1, "case:X": 1, "*": 1 });
  });
});

describe("what writes refresh", () => {
  it("a hearing recorded anywhere refreshes Today, the diary, case lists, its case and client pages", () => {
    const w = touches.hearingRecorded("A");
    for (const page of [shows.today(), shows.diary(), shows.cases(), shows.case("A"), shows.client(), shows.clients()]) {
      expect(reloads(w, page)).toBe(true);
    }
    expect(reloads(w, shows.case("B"))).toBe(false);
    expect(reloads(w, shows.sync())).toBe(false);
  });

  it("a fee refreshes its case page and client balances, not the boards", () => {
    const w = touches.feeAdded("A");
    expect(reloads(w, shows.case("A"))).toBe(true);
    expect(reloads(w, shows.client())).toBe(true);
    expect(reloads(w, shows.clients())).toBe(true);
    expect(reloads(w, shows.today())).toBe(false);
    expect(reloads(w, shows.diary())).toBe(false);
  });

  it("tasks refresh their case page and Today's overdue list", () => {
    const w = touches.taskChanged("A");
    expect(reloads(w, shows.case("A"))).toBe(true);
    expect(reloads(w, shows.today())).toBe(true);
    expect(reloads(w, shows.diary())).toBe(false);
  });

  it("a saved case refreshes everything that lists or dates cases", () => {
    const w = touches.caseSaved("A");
    for (const page of [shows.today(), shows.diary(), shows.cases(), shows.case("A"), shows.client(), shows.clients()]) {
      expect(reloads(w, page)).toBe(true);
    }
  });

  it("notes, documents and clients refresh what shows them", () => {
    expect(reloads(touches.noteAdded("A"), shows.case("A"))).toBe(true);
    expect(reloads(touches.noteAdded("A"), shows.cases())).toBe(true);
    expect(reloads(touches.documentAttached("A"), shows.case("A"))).toBe(true);
    expect(reloads(touches.documentAttached("A"), shows.today())).toBe(false);
    expect(reloads(touches.clientAdded(), shows.clients())).toBe(true);
    expect(reloads(touches.clientAdded(), shows.case("A"))).toBe(false);
  });

  it("corrections refresh what the record's addition refreshes", () => {
    expect(reloads(touches.taskChanged("A"), shows.today())).toBe(true);
    expect(reloads(touches.noteChanged("A"), shows.case("A"))).toBe(true);
    expect(reloads(touches.noteChanged("A"), shows.cases())).toBe(true);
    expect(reloads(touches.noteChanged("A"), shows.case("B"))).toBe(false);
    expect(reloads(touches.feeChanged("A"), shows.case("A"))).toBe(true);
    expect(reloads(touches.feeChanged("A"), shows.client())).toBe(true);
    expect(reloads(touches.feeChanged("A"), shows.today())).toBe(false);
    expect(reloads(touches.documentChanged("A"), shows.case("A"))).toBe(true);
    expect(reloads(touches.documentChanged("A"), shows.cases())).toBe(false);
  });
});

describe("what corrections refresh", () => {
  it("a corrected or removed hearing moves its case between boards and refreshes lists", () => {
    const w = touches.hearingCorrected("A");
    for (const page of [shows.today(), shows.diary(), shows.cases(), shows.case("A"), shows.client(), shows.clients()]) {
      expect(reloads(w, page)).toBe(true);
    }
    expect(reloads(w, shows.case("B"))).toBe(false);
    expect(reloads(w, shows.sync())).toBe(false);
  });

  it("a status change refreshes the boards, the lists and its case, not other cases", () => {
    const w = touches.caseStatusChanged("A");
    for (const page of [shows.today(), shows.diary(), shows.cases(), shows.case("A"), shows.client()]) {
      expect(reloads(w, page)).toBe(true);
    }
    expect(reloads(w, shows.case("B"))).toBe(false);
  });

  it("an edited client refreshes client pages, search and the cases that name it, not the boards", () => {
    const w = touches.clientEdited(["A", "B"]);
    for (const page of [shows.client(), shows.clients(), shows.cases(), shows.case("A"), shows.case("B")]) {
      expect(reloads(w, page)).toBe(true);
    }
    expect(reloads(w, shows.case("C"))).toBe(false);
    expect(reloads(w, shows.today())).toBe(false);
    expect(reloads(w, shows.diary())).toBe(false);
  });

  it("a removed client refreshes the client list and search only", () => {
    const w = touches.clientRemoved();
    expect(reloads(w, shows.clients())).toBe(true);
    expect(reloads(w, shows.cases())).toBe(true);
    expect(reloads(w, shows.case("A"))).toBe(false);
    expect(reloads(w, shows.today())).toBe(false);
  });
});

describe("what accounts refresh", () => {
  it("terms, time and receipts refresh their case page only", () => {
    for (const w of [touches.termsSet("A"), touches.timeChanged("A"), touches.receiptIssued("A")]) {
      expect(reloads(w, shows.case("A"))).toBe(true);
      expect(reloads(w, shows.case("B"))).toBe(false);
      expect(reloads(w, shows.today())).toBe(false);
      expect(reloads(w, shows.clients())).toBe(false);
      expect(reloads(w, shows.timer())).toBe(false);
    }
  });

  it("hearings recorded or corrected refresh the account on the case page (appearances)", () => {
    expect(reloads(touches.hearingRecorded("A"), shows.case("A"))).toBe(true);
    expect(reloads(touches.hearingCorrected("A"), shows.case("A"))).toBe(true);
  });

  it("starting or discarding the timer refreshes the indicator, not the case page", () => {
    const w = touches.timerChanged();
    expect(reloads(w, shows.timer())).toBe(true);
    expect(reloads(w, shows.case("A"))).toBe(false);
    expect(reloads(w, shows.today())).toBe(false);
  });

  it("stopping the timer refreshes the indicator and the case its time went to", () => {
    const w = touches.timerStopped("A");
    expect(reloads(w, shows.timer())).toBe(true);
    expect(reloads(w, shows.case("A"))).toBe(true);
    expect(reloads(w, shows.case("B"))).toBe(false);
  });

  it("the indicator follows a renumbered case", () => {
    expect(reloads(touches.caseSaved("A"), shows.timer())).toBe(true);
    expect(reloads(touches.feeAdded("A"), shows.timer())).toBe(false);
  });
});

describe("what refreshes the Outstanding screen", () => {
  it("payments, fees, terms, time, the timer and appearances change what is owed", () => {
    for (const w of [
      touches.feeAdded("A"),
      touches.feeChanged("A"),
      touches.termsSet("A"),
      touches.timeChanged("A"),
      touches.timerStopped("A"),
      touches.hearingRecorded("A"),
      touches.hearingCorrected("A"),
    ]) {
      expect(reloads(w, shows.outstanding())).toBe(true);
    }
  });

  it("a case or a client renamed changes how it is named there", () => {
    expect(reloads(touches.caseSaved("A"), shows.outstanding())).toBe(true);
    expect(reloads(touches.clientEdited(["A"]), shows.outstanding())).toBe(true);
  });

  it("a bill issued or cancelled refreshes it, the cases it covers and client pages, not other cases", () => {
    const w = touches.billChanged(["A", "B"]);
    for (const page of [shows.outstanding(), shows.case("A"), shows.case("B"), shows.client(), shows.clients()]) {
      expect(reloads(w, page)).toBe(true);
    }
    expect(reloads(w, shows.case("C"))).toBe(false);
    expect(reloads(w, shows.today())).toBe(false);
    expect(reloads(w, shows.timer())).toBe(false);
  });

  it("a sync, an import or an undo (everything) refreshes it", () => {
    const inv = new Invalidation();
    const before = inv.stamp(shows.outstanding());
    inv.touchAll();
    expect(inv.stamp(shows.outstanding())).not.toBe(before);
  });

  it("what does not touch money leaves it alone", () => {
    for (const w of [
      touches.taskChanged("A"),
      touches.noteAdded("A"),
      touches.documentAttached("A"),
      touches.timerChanged(),
      touches.receiptIssued("A"),
      touches.clientAdded(),
    ]) {
      expect(reloads(w, shows.outstanding())).toBe(false);
    }
  });
});
