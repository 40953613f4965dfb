// The pure rules of corrections and the request queue: who answers a correction, how a request
// stands against its deadline, and what the forms accept.
import { describe, expect, it } from "vitest";
import {
  answerCorrectionSchema,
  chooseCorrectionAssignee,
  deadlineState,
  disagreementSchema,
  joinCorrectionDetails,
  parseCorrectionTarget,
  placeLegalHoldSchema,
  queueFilterOf,
  releaseLegalHoldSchema,
  requestCorrectionSchema,
  splitCorrectionDetails,
} from "@/lib/domain/patient-rights/schemas";

const NOW = new Date("2026-12-02T12:00:00Z");
const DAY = 86_400_000;
const NOTE_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const at = (days: number) => new Date(NOW.getTime() + days * DAY);

describe("who answers a correction", () => {
  const visits = [
    { doctorId: "older", startsAt: at(-40), doctorActive: true },
    { doctorId: "latest", startsAt: at(-3), doctorActive: true },
    { doctorId: "upcoming", startsAt: at(5), doctorActive: true },
  ];

  it("is the author of the note or prescription, even when another doctor saw the patient since", () => {
    expect(
      chooseCorrectionAssignee({
        recordAuthor: { id: "author", active: true },
        careVisits: visits,
        now: NOW,
      }),
    ).toBe("author");
  });

  it("is the doctor of the most recent visit that has begun when there is no record (profile, other)", () => {
    expect(chooseCorrectionAssignee({ recordAuthor: null, careVisits: visits, now: NOW })).toBe("latest");
  });

  it("skips an author or a doctor whose account is no longer active", () => {
    expect(
      chooseCorrectionAssignee({
        recordAuthor: { id: "author", active: false },
        careVisits: [{ ...visits[1]!, doctorActive: false }, visits[0]!],
        now: NOW,
      }),
    ).toBe("older");
  });

  it("is the doctor of the next confirmed visit when none has begun yet", () => {
    expect(
      chooseCorrectionAssignee({
        recordAuthor: null,
        careVisits: [visits[2]!, { doctorId: "later", startsAt: at(9), doctorActive: true }],
        now: NOW,
      }),
    ).toBe("upcoming");
  });

  it("is nobody (the admins assign one) when no active doctor treats the patient", () => {
    expect(chooseCorrectionAssignee({ recordAuthor: null, careVisits: [], now: NOW })).toBeNull();
    expect(
      chooseCorrectionAssignee({
        recordAuthor: { id: "author", active: false },
        careVisits: [{ doctorId: "gone", startsAt: at(-1), doctorActive: false }],
        now: NOW,
      }),
    ).toBeNull();
  });
});

describe("the deadline", () => {
  it("counts whole days left, on track beyond a week", () => {
    expect(deadlineState(at(20.5), NOW, false)).toEqual({ tone: "on-track", days: 20, text: "20 days left" });
    expect(deadlineState(at(7.01), NOW, false).tone).toBe("on-track");
  });

  it("is highlighted within 7 days, down to the last hours", () => {
    expect(deadlineState(at(7), NOW, false)).toEqual({ tone: "soon", days: 7, text: "7 days left" });
    expect(deadlineState(at(1), NOW, false)).toEqual({ tone: "soon", days: 1, text: "1 day left" });
    expect(deadlineState(at(0.2), NOW, false)).toEqual({ tone: "soon", days: 0, text: "due within a day" });
  });

  it("is overdue once passed, counting whole days", () => {
    expect(deadlineState(at(-0.1), NOW, false)).toEqual({
      tone: "overdue",
      days: 0,
      text: "overdue (since today)",
    });
    expect(deadlineState(at(-1), NOW, false).text).toBe("overdue by 1 day");
    expect(deadlineState(at(-3.5), NOW, false)).toEqual({
      tone: "overdue",
      days: 3,
      text: "overdue by 3 days",
    });
  });

  it("no longer counts once the request is answered", () => {
    expect(deadlineState(at(-10), NOW, true)).toEqual({ tone: "closed", days: null, text: "answered" });
  });
});

describe("the correction form", () => {
  const valid = { target: `note:${NOTE_ID}`, details: "The plan says twice a day; we agreed on once." };

  it("accepts a note, a prescription, the profile or something else", () => {
    expect(requestCorrectionSchema.parse(valid).target).toEqual({ targetType: "note", targetId: NOTE_ID });
    expect(parseCorrectionTarget(`prescription:${NOTE_ID.toUpperCase()}`)).toEqual({
      targetType: "prescription",
      targetId: NOTE_ID,
    });
    expect(parseCorrectionTarget("profile")).toEqual({ targetType: "profile", targetId: null });
    expect(parseCorrectionTarget("other")).toEqual({ targetType: "other", targetId: null });
  });

  it("refuses a choice that is not in the list, with a readable message", () => {
    for (const target of ["", "note", "note:123", `document:${NOTE_ID}`, `note:${NOTE_ID}:x`, "profile:x"]) {
      const result = requestCorrectionSchema.safeParse({ ...valid, target });
      expect(result.success, target).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["target"]);
      expect(result.error?.issues[0]?.message).toMatch(/Choose what should be corrected/);
    }
  });

  it("wants 10 to 2,000 characters after trimming, without control characters", () => {
    const short = requestCorrectionSchema.safeParse({ ...valid, details: "   too short  " });
    expect(short.error?.issues[0]?.message).toBe(
      "Write what is wrong and what it should say in at least 10 characters.",
    );
    const long = requestCorrectionSchema.safeParse({ ...valid, details: "x".repeat(2_001) });
    expect(long.error?.issues[0]?.message).toMatch(/under 2,000 characters/);
    expect(requestCorrectionSchema.parse({ ...valid, details: "x".repeat(2_000) }).details).toHaveLength(
      2_000,
    );
    const cleaned = requestCorrectionSchema.parse({ ...valid, details: " Line one\u001e\u0007\nline two " });
    expect(cleaned.details).toBe("Line one\nline two");
  });

  it("asks the doctor for an answer and its text, the patient for a statement", () => {
    const requestId = NOTE_ID;
    expect(
      answerCorrectionSchema.safeParse({ requestId, answer: "MAYBE", resolution: "Because it is right." })
        .error?.issues[0]?.message,
    ).toBe("Choose whether you corrected the record.");
    expect(
      answerCorrectionSchema.parse({ requestId, answer: "DECLINED", resolution: "  The note is accurate.  " })
        .resolution,
    ).toBe("The note is accurate.");
    expect(disagreementSchema.safeParse({ requestId, statement: "No." }).success).toBe(false);
    expect(
      disagreementSchema.safeParse({ requestId: "x", statement: "I disagree with it." }).error?.issues[0]
        ?.message,
    ).toBe("That link is not valid.");
  });

  it("keeps the statement of disagreement apart from the request in one column", () => {
    const joined = joinCorrectionDetails("The dose is wrong.", "I still disagree.");
    expect(splitCorrectionDetails(joined)).toEqual({
      request: "The dose is wrong.",
      statement: "I still disagree.",
    });
    expect(splitCorrectionDetails("Only the request.")).toEqual({
      request: "Only the request.",
      statement: null,
    });
    expect(splitCorrectionDetails(null)).toEqual({ request: null, statement: null });
  });
});

describe("legal holds and the queue's filters", () => {
  it("want a reason of 10 to 1,000 characters to place and to release a hold", () => {
    const patientId = NOTE_ID;
    expect(placeLegalHoldSchema.safeParse({ patientId, reason: "Lawsuit" }).error?.issues[0]?.message).toBe(
      "Write why the data must be kept in at least 10 characters.",
    );
    expect(placeLegalHoldSchema.safeParse({ patientId, reason: "x".repeat(1_001) }).success).toBe(false);
    expect(
      releaseLegalHoldSchema.safeParse({ holdId: patientId, note: "Case closed on appeal." }).success,
    ).toBe(true);
  });

  it("read only known statuses and kinds from the query", () => {
    expect(queueFilterOf({ status: "ON_HOLD", kind: "ERASURE" })).toEqual({
      status: "ON_HOLD",
      kind: "ERASURE",
    });
    expect(queueFilterOf({ status: "toString", kind: "__proto__" })).toEqual({ status: null, kind: null });
    expect(queueFilterOf({})).toEqual({ status: null, kind: null });
  });
});
