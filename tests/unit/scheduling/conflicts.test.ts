import { describe, expect, it } from "vitest";
import { isDeadlock, overlapOf, retryingDeadlocks } from "@/lib/domain/scheduling/conflicts";

// The shapes Prisma's pg adapter produces (message, code, and the driver error as its cause).
const deadlock = Object.assign(new Error("Transaction failed due to a write conflict or a deadlock."), {
  code: "P2034",
});
const exclusion = Object.assign(new Error("Database error"), {
  cause: {
    originalCode: "23P01",
    originalMessage: 'conflicting key value violates exclusion constraint "appointments_doctor_no_overlap"',
  },
});

describe("overlap refusals", () => {
  it("tells the doctor's overlap, the patient's, a deadlock and anything else apart", () => {
    expect(overlapOf(exclusion)).toBe("doctor");
    expect(overlapOf(new Error('violates exclusion constraint "appointments_patient_no_overlap"'))).toBe(
      "patient",
    );
    expect(overlapOf(deadlock)).toBeNull();
    expect(isDeadlock(deadlock)).toBe(true);
    expect(isDeadlock(exclusion)).toBe(false);
    expect(isDeadlock(new Error("connection refused"))).toBe(false);
  });

  it("tries a write again after a deadlock, at most three times, and never after another failure", async () => {
    let calls = 0;
    await expect(
      retryingDeadlocks(() => {
        calls += 1;
        return calls < 3 ? Promise.reject(deadlock) : Promise.resolve("booked");
      }),
    ).resolves.toBe("booked");
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      retryingDeadlocks(() => {
        calls += 1;
        return Promise.reject(deadlock);
      }),
    ).rejects.toBe(deadlock);
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      retryingDeadlocks(() => {
        calls += 1;
        return Promise.reject(exclusion);
      }),
    ).rejects.toBe(exclusion);
    expect(calls).toBe(1);
  });
});
