import { describe, expect, it } from "vitest";
import { countdown, notificationDeadlines } from "@/lib/domain/security/deadlines";

describe("incident notification deadlines", () => {
  const discovered = new Date("2026-12-01T09:00:00Z");

  it("are 72 hours (GDPR) and 60 days (HIPAA) after discovery", () => {
    const [gdpr, hipaa] = notificationDeadlines(discovered);
    expect(gdpr).toMatchObject({ law: "GDPR", due: new Date("2026-12-04T09:00:00Z") });
    expect(hipaa).toMatchObject({ law: "HIPAA", due: new Date("2027-01-30T09:00:00Z") });
  });

  it("count down in days and hours, within four days in hours and minutes, then say how overdue", () => {
    const due = new Date("2026-12-04T09:00:00Z");
    expect(countdown(due, new Date("2026-11-04T08:00:00Z"))).toEqual({
      text: "30 days 1 hour left",
      overdue: false,
    });
    expect(countdown(due, new Date("2026-12-01T09:00:00Z"))).toEqual({
      text: "72 hours 0 minutes left",
      overdue: false,
    });
    expect(countdown(due, new Date("2026-12-04T07:59:00Z"))).toEqual({
      text: "1 hour 1 minute left",
      overdue: false,
    });
    expect(countdown(due, new Date("2026-12-04T08:59:30Z"))).toEqual({
      text: "0 minutes left",
      overdue: false,
    });
    expect(countdown(due, new Date("2026-12-05T10:00:00Z"))).toEqual({
      text: "overdue by 25 hours 0 minutes",
      overdue: true,
    });
  });
});
