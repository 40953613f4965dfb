import { afterAll, describe, expect, it, vi } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { runAsSystem } from "@/lib/request-context";
import { DEMO_ACCOUNTS, seedDemoData } from "@/prisma/seed";

afterAll(disconnectDb);

describe("demo seed", () => {
  it("creates one admin, two doctors with specialties and three patients with profiles, idempotently", async () => {
    const db = getDb();
    await seedDemoData(db);
    await seedDemoData(db);
    const users = await runAsSystem("test", () =>
      db.user.findMany({
        where: { email: { in: DEMO_ACCOUNTS.map((a) => a.email) } },
        include: { doctorProfile: true, patientProfile: true },
      }),
    );
    expect(users).toHaveLength(6);
    const byRole = (role: string) => users.filter((u) => u.role === role);
    expect(byRole("ADMIN")).toHaveLength(1);
    expect(
      byRole("PATIENT")
        .map((p) => p.patientProfile?.fullName)
        .sort(),
    ).toEqual(["Jonas Weber", "Lucia Romero", "Maya Patel"]);
    expect(
      byRole("DOCTOR")
        .map((d) => d.doctorProfile?.specialty)
        .sort(),
    ).toEqual(["Dermatology", "Family Medicine"]);

    // Every paid demo visit has one payment (seeded twice: still one), the cancelled one refunded.
    const patientIds = byRole("PATIENT").map((p) => p.id);
    const payments = await runAsSystem("test", () =>
      db.payment.findMany({
        where: { patientId: { in: patientIds } },
        include: { appointment: { select: { status: true } }, transactions: true },
      }),
    );
    const paidVisits = await runAsSystem("test", () =>
      db.appointment.count({ where: { patientId: { in: patientIds }, feeMinor: { gt: 0 } } }),
    );
    expect(payments).toHaveLength(paidVisits);
    const cancelled = payments.filter((p) => p.appointment.status === "CANCELLED");
    expect(cancelled.length).toBeGreaterThan(0);
    for (const payment of payments) {
      const kinds = payment.transactions.map((t) => t.kind).sort();
      expect(kinds).toEqual(
        payment.appointment.status === "CANCELLED" ? ["CHARGE", "FEE", "REFUND"] : ["CHARGE", "FEE"],
      );
    }

    // Insurance: Maya's coverage active, Jonas's inactive (seeded twice: still one each).
    const checks = await runAsSystem("test", () =>
      db.insuranceVerification.findMany({
        where: { patientId: { in: patientIds } },
        select: { status: true, result: true },
        orderBy: { status: "asc" },
      }),
    );
    expect(checks.map((check) => check.status)).toEqual(["ACTIVE", "INACTIVE"]);
    expect(JSON.parse(checks[0]!.result)).toMatchObject({ copay: { amountMinor: 2500, currency: "USD" } });
  });

  it("refuses to run in production", async () => {
    vi.stubEnv("NODE_ENV", "production");
    try {
      await expect(seedDemoData(getDb())).rejects.toThrow(/production/);
    } finally {
      vi.stubEnv("NODE_ENV", "test");
    }
  });
});
