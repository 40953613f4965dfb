// Every protected page and API route, as anonymous, patient, doctor and admin,
// checked against the permission table in lib/authz/permissions.ts.
import type { Page } from "@playwright/test";
import { PERMISSIONS, PORTAL_OF, type Permission } from "@/lib/authz/permissions";
import { DEMO_EMAILS, DEMO_PASSWORD } from "@/prisma/demo-accounts";
import {
  enrolAuthenticator,
  enterPassword,
  expect,
  expectAccessiblePage,
  resetAdminMfa,
  resetDoctorMfa,
  sql,
  test,
} from "./fixtures";

type Role = "PATIENT" | "DOCTOR" | "ADMIN";
const PAGES: Record<string, Permission> = {
  "/patient": "portal:patient",
  "/doctor": "portal:doctor",
  "/admin": "portal:admin",
  "/account": "account:manage-own",
  "/doctors": "doctors:browse",
  "/doctor/availability": "schedule:manage-own",
  "/admin/bookings": "bookings:list",
  "/doctor/patients": "clinical:write",
  "/patient/health": "health:manage-own",
  "/patient/prescriptions": "health:manage-own",
  "/patient/documents": "health:manage-own",
  "/patient/devices": "health:manage-own",
  "/patient/emergency": "emergency:raise",
  "/patient/billing": "payments:own",
  "/patient/insurance": "insurance:own",
  "/admin/payments": "payments:manage",
  "/admin/revenue": "payments:manage",
  "/admin/settings": "payments:manage",
  "/admin/users": "users:manage",
  "/admin/audit": "audit:review",
  "/admin/security": "security:manage",
  "/admin/access-reviews": "access-reviews:manage",
  "/doctor/emergency-access": "clinical:break-glass",
  "/patient/privacy": "rights:own",
  "/patient/privacy/correction": "rights:own",
  "/patient/privacy/erasure": "rights:own",
  "/doctor/corrections": "rights:answer-corrections",
  "/admin/requests": "rights:manage",
  "/admin/retention": "rights:manage",
  "/admin/backups": "backups:manage",
};
/** Another role is sent home from a portal's front page; any other page answers 404. */
const FRONT_PAGES = new Set<string>(Object.values(PORTAL_OF));

async function signInAs(page: Page, role: Role): Promise<void> {
  if (role === "PATIENT") {
    await enterPassword(page, DEMO_EMAILS.patients[2], DEMO_PASSWORD);
  } else if (role === "DOCTOR") {
    await resetDoctorMfa("Dr. Erik Lindqvist");
    await enterPassword(page, DEMO_EMAILS.doctors[1], DEMO_PASSWORD);
    await enrolAuthenticator(page);
  } else {
    await resetAdminMfa();
    await enterPassword(page, DEMO_EMAILS.admin, DEMO_PASSWORD);
    await enrolAuthenticator(page);
  }
  await page.waitForURL(`**${PORTAL_OF[role]}`);
}

test("anonymous visitors are sent to sign-in from every protected page and refused by the API", async ({
  page,
}) => {
  for (const path of Object.keys(PAGES)) {
    await page.goto(path);
    expect(new URL(page.url()).pathname, path).toBe("/sign-in");
  }
  expect((await page.request.post("/api/auth/keep-alive")).status()).toBe(401);
  expect((await page.request.get("/api/me/health-profile")).status()).toBe(401);
});

for (const role of ["PATIENT", "DOCTOR", "ADMIN"] as const) {
  test(`${role.toLowerCase()}: allowed pages open, others lead back to the own portal`, async ({ page }) => {
    // Every page of the table, each with an axe check (about 30 for an admin), while the other
    // shard runs on the same two cores: a bound for a hang, not a speed goal.
    test.setTimeout(240_000);
    await signInAs(page, role);
    for (const [path, permission] of Object.entries(PAGES)) {
      const allowed = (PERMISSIONS[permission] as readonly string[]).includes(role);
      const response = await page.goto(path);
      const landed = new URL(page.url()).pathname;
      if (allowed) {
        expect(landed, `${role} ${path}`).toBe(path);
        expect(response?.status()).toBe(200);
        await expectAccessiblePage(page);
        expect(response?.headers()["cache-control"]).toBe("no-store");
      } else if (FRONT_PAGES.has(path)) {
        expect(landed, `${role} ${path}`).toBe(PORTAL_OF[role]);
      } else {
        expect(response?.status(), `${role} ${path}`).toBe(404);
      }
    }
    expect((await page.request.post("/api/auth/keep-alive")).status()).toBe(200);
    const ownProfile = await page.request.get("/api/me/health-profile");
    expect(ownProfile.status(), "GET /api/me/health-profile").toBe(role === "PATIENT" ? 200 : 403);
    if (role === "PATIENT") {
      expect(await ownProfile.json()).toMatchObject({ profile: { fullName: "Lucia Romero" } });
      // Only a benchmark build can skip the encryption and audit layer; this one ignores the header.
      const notPlain = await page.request.get("/api/me/health-profile", {
        headers: { "x-haven-bench-plain": "1" },
      });
      expect(await notPlain.json()).toMatchObject({ profile: { fullName: "Lucia Romero" } });
    }
  });
}

test("the server checks the role itself: a stale role in the cookie does not open a portal", async ({
  page,
}) => {
  await signInAs(page, "PATIENT");
  const [session] = await sql<{ user_id: string }>(
    "SELECT user_id FROM sessions WHERE revoked_at IS NULL ORDER BY created_at DESC LIMIT 1",
  );
  await sql("UPDATE users SET role = 'DOCTOR' WHERE id = $1", [session!.user_id]);
  try {
    // The proxy still sees PATIENT in the cookie and lets the request through; the page refuses.
    const response = await page.goto("/patient");
    expect(response?.status()).toBe(404);
    const denied = await sql<{ count: string }>(
      "SELECT count(*) FROM audit_log WHERE action = 'authz.denied' AND actor_id = $1 AND resource_id = 'portal:patient'",
      [session!.user_id],
    );
    expect(Number(denied[0]!.count)).toBeGreaterThan(0);
  } finally {
    await sql("UPDATE users SET role = 'PATIENT' WHERE id = $1", [session!.user_id]);
  }
});

// The data-rights requests' pages by id (issue 15), with the demo correction waiting for Dr. Okafor
// (Maya Patel's): the admin opens it in the queue; another patient, a doctor without a visit with
// her (not its assignee) and the admin on the doctor's page get 404; anonymous visitors sign in.
test("data-rights request pages by id: the admin's opens for admins only, the doctor's for its assignee only", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const [seeded] = await sql<{ id: string }>(
    `SELECT r.id::text FROM data_requests r JOIN doctor_profiles d ON d.user_id = r.assignee_id
      WHERE r.kind = 'CORRECTION' AND d.display_name = 'Dr. Amara Okafor' ORDER BY r.received_at LIMIT 1`,
  );
  const adminPage = `/admin/requests/${seeded!.id}`;
  const doctorPage = `/doctor/corrections/${seeded!.id}`;
  for (const path of [adminPage, doctorPage]) {
    await page.goto(path);
    expect(new URL(page.url()).pathname, path).toBe("/sign-in");
  }
  for (const role of ["PATIENT", "DOCTOR", "ADMIN"] as const) {
    await page.context().clearCookies();
    await signInAs(page, role);
    const admin = await page.goto(adminPage);
    expect(admin?.status(), `${role} ${adminPage}`).toBe(role === "ADMIN" ? 200 : 404);
    if (role === "ADMIN") await expectAccessiblePage(page);
    expect((await page.goto(doctorPage))?.status(), `${role} ${doctorPage}`).toBe(404);
  }
});
