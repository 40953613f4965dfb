// A visit's video room: open from 10 minutes before the start to 30 after the end;
// tokens short-lived and never valid past the window.
import { describe, expect, it } from "vitest";
import { signalsQuerySchema } from "@/lib/domain/video/schemas";
import { roomRefusal, tokenTimes, videoWindow, windowState } from "@/lib/domain/video/window";

const visit = { startsAt: new Date("2026-12-02T10:00:00Z"), endsAt: new Date("2026-12-02T10:30:00Z") };
const at = (iso: string) => new Date(iso);

describe("video window", () => {
  it("opens 10 minutes before the start and closes 30 minutes after the end", () => {
    const window = videoWindow(visit);
    expect(window).toEqual({ opensAt: at("2026-12-02T09:50:00Z"), closesAt: at("2026-12-02T11:00:00Z") });
    expect(windowState(window, at("2026-12-02T09:49:59.999Z"))).toBe("before");
    expect(windowState(window, at("2026-12-02T09:50:00Z"))).toBe("open");
    expect(windowState(window, at("2026-12-02T10:59:59.999Z"))).toBe("open");
    expect(windowState(window, at("2026-12-02T11:00:00Z"))).toBe("after");
  });

  it("issues short tokens, renewed a minute before they run out, never past the window", () => {
    const window = videoWindow(visit);
    expect(tokenTimes(window, at("2026-12-02T10:00:00Z"), 600_000)).toEqual({
      expiresAt: at("2026-12-02T10:10:00Z"),
      renewAt: at("2026-12-02T10:09:00Z"),
    });
    // Near the end: the token ends with the window.
    expect(tokenTimes(window, at("2026-12-02T10:55:00Z"), 600_000)).toEqual({
      expiresAt: at("2026-12-02T11:00:00Z"),
      renewAt: at("2026-12-02T10:59:00Z"),
    });
    // Under a minute left: renew at once rather than in the past.
    expect(tokenTimes(window, at("2026-12-02T10:59:30Z"), 600_000).renewAt).toEqual(
      at("2026-12-02T10:59:30Z"),
    );
  });
});

describe("room refusal", () => {
  const confirmed = { ...visit, status: "CONFIRMED" };
  it("opens a confirmed or in-progress visit inside its window only", () => {
    expect(roomRefusal(confirmed, at("2026-12-02T09:50:00Z"))).toBeNull();
    expect(roomRefusal({ ...visit, status: "IN_PROGRESS" }, at("2026-12-02T10:59:00Z"))).toBeNull();
    expect(roomRefusal(confirmed, at("2026-12-02T09:49:00Z"))).toBe("before");
    expect(roomRefusal(confirmed, at("2026-12-02T11:00:00Z"))).toBe("after");
  });
  it("says the visit ended, or is not confirmed, whatever the time", () => {
    expect(roomRefusal({ ...visit, status: "COMPLETED" }, at("2026-12-02T10:10:00Z"))).toBe("ended");
    for (const status of ["HELD", "CANCELLED", "NO_SHOW", "EXPIRED"]) {
      expect(roomRefusal({ ...visit, status }, at("2026-12-02T10:10:00Z"))).toBe("not-confirmed");
    }
  });
});

describe("the signals query", () => {
  it("takes signal ids within PostgreSQL's bigint, and refuses anything else with a 4xx-worthy message", () => {
    expect(signalsQuerySchema.parse({})).toEqual({ after: "0" });
    expect(signalsQuerySchema.parse({ after: "9223372036854775807" }).after).toBe("9223372036854775807");
    for (const after of ["9223372036854775808", "9999999999999999999", "-1", "1e3", ""]) {
      const parsed = signalsQuerySchema.safeParse({ after });
      expect(parsed.success, after).toBe(false);
      expect(parsed.error?.issues[0]?.message).toBe("after must be a signal id.");
    }
  });
});
