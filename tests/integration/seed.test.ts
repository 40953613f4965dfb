import { afterAll, describe, expect, it, vi } from "vitest";
import { disconnectPrisma, getPrisma } from "@/lib/db/client";
import { DEMO_ACCOUNTS, seedDemoData } from "@/prisma/seed";

afterAll(disconnectPrisma);

describe("demo seed", () => {
  it("creates one admin, two doctors with specialties and three patients, idempotently", async () => {
    const prisma = getPrisma();
    await seedDemoData(prisma);
    await seedDemoData(prisma);
    const emails = DEMO_ACCOUNTS.map((a) => a.email);
    const users = await prisma.user.findMany({
      where: { email: { in: emails } },
      include: { doctorProfile: true },
    });
    expect(users).toHaveLength(6);
    const byRole = (role: string) => users.filter((u) => u.role === role);
    expect(byRole("ADMIN")).toHaveLength(1);
    expect(byRole("PATIENT")).toHaveLength(3);
    expect(
      byRole("DOCTOR")
        .map((d) => d.doctorProfile?.specialty)
        .sort(),
    ).toEqual(["Dermatology", "Family Medicine"]);
  });

  it("refuses to run in production", async () => {
    vi.stubEnv("NODE_ENV", "production");
    try {
      await expect(seedDemoData(getPrisma())).rejects.toThrow(/production/);
    } finally {
      vi.stubEnv("NODE_ENV", "test");
    }
  });
});
