// Prescriptions against a real PostgreSQL: a treating doctor issues a signed,
// immutable prescription; it is ciphertext at rest; the patient and treating
// doctors read it and download its PDF (checked with poppler); everyone else
// gets a 404 that is audited; /verify shows who signed and when, nothing more.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as downloadPdf } from "@/app/api/prescriptions/[prescriptionId]/pdf/route";
import { POST as verifyForm } from "@/app/api/verify/route";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { disconnectDb, getDb } from "@/lib/db/client";
import { issuePrescription } from "@/lib/domain/prescriptions/issue-prescription";
import {
  prescriptionDocumentFor,
  prescriptionFor,
  prescriptionsOfPatient,
} from "@/lib/domain/prescriptions/queries";
import { renderPrescriptionPdf } from "@/lib/domain/prescriptions/render-prescription-pdf";
import type { PrescriptionInput } from "@/lib/domain/prescriptions/schemas";
import { VERIFICATION_CODE_PATTERN } from "@/lib/domain/prescriptions/verification-code";
import { verifyPrescription } from "@/lib/domain/prescriptions/verify";
import { runAsActor, runAsSystem } from "@/lib/request-context";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import { seedDemoData } from "@/prisma/seed";
import { seedDemoPrescriptions } from "@/prisma/seed-prescriptions";
import { createAccount } from "../support/accounts";
import { appErrorOf, asActor, authenticatedActor } from "../support/actors";
import { careVisit } from "../support/care";
import { browserHeaders } from "../support/browser";
import { runSql } from "../support/database";

// A refusal for want of a permission is audited through runAs, which reads the request's headers.
vi.mock("next/headers", () => ({ headers: () => Promise.resolve(new Headers()) }));

const databaseUrl = process.env.DATABASE_URL!;
afterAll(() => disconnectDb());

type Role = "PATIENT" | "DOCTOR" | "ADMIN";
const PATIENT_NAME = "अनन्या शर्मा";
const DOCTOR_NAME = "Dr. Ravi Menon";
const LICENCE = "MED-IN-55821";

async function person(role: Role) {
  const account = await createAccount(role);
  await runAsSystem("test", async () => {
    if (role === "PATIENT") {
      await getDb().patientProfile.create({
        data: { userId: account.id, fullName: PATIENT_NAME, dateOfBirth: "1990-03-14" },
      });
    }
    if (role === "DOCTOR") {
      await getDb().doctorProfile.create({
        data: {
          userId: account.id,
          displayName: DOCTOR_NAME,
          specialty: "General Practice",
          licenseNumber: LICENCE,
        },
      });
    }
  });
  return { ...account, actor: authenticatedActor(account.id, role) };
}

const visit = (doctorId: string, patientId: string) => careVisit(doctorId, patientId);

const countAudit = async (action: string, resourceId: string) =>
  Number(
    (
      await runSql<{ n: string }>(
        databaseUrl,
        "SELECT count(*) AS n FROM audit_log WHERE action = $1 AND resource_id = $2",
        [action, resourceId],
      )
    )[0]!.n,
  );

const ITEMS = [
  {
    medicine: "Amoxiclavulanate",
    strength: "625 milligrams",
    form: "film-coated tablet",
    dose: "one tablet",
    route: "orally",
    frequency: "twice daily after meals",
    duration: "five days",
    quantity: "ten tablets",
    refills: 0,
    instructions: "Finish the whole course even when feeling better",
  },
  {
    medicine: "Paracetamolum",
    strength: "500 milligrams",
    form: "dispersible tablet",
    dose: "two tablets",
    route: "sublingual",
    frequency: "every six hours when needed",
    duration: "three days",
    quantity: "twenty-four tablets",
    refills: 2,
    instructions: "",
  },
];
const ITEM_FIELDS = [
  "medicine",
  "strength",
  "form",
  "dose",
  "route",
  "frequency",
  "duration",
  "quantity",
  "instructions",
] as const;

/** Calls the PDF route as a browser would: with this person's session cookie, or none. */
async function fetchPdf(prescriptionId: string, actor?: AuthenticatedActor) {
  const headers = await browserHeaders(77, actor);
  return downloadPdf(new Request(`http://localhost/api/prescriptions/${prescriptionId}/pdf`, { headers }), {
    params: Promise.resolve({ prescriptionId }),
  });
}

const scratch = mkdtempSync(path.join(tmpdir(), "haven-rx-"));
function poppler(pdf: Buffer) {
  const file = path.join(scratch, `${randomUUID()}.pdf`);
  writeFileSync(file, pdf);
  return {
    text: execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" }),
    info: execFileSync("pdfinfo", [file], { encoding: "utf8" }),
    fonts: execFileSync("pdffonts", [file], { encoding: "utf8" }),
  };
}

describe("prescriptions", () => {
  let doctor: Awaited<ReturnType<typeof person>>;
  let patient: Awaited<ReturnType<typeof person>>;
  let visitId: string;
  let id: string;
  const input = (): PrescriptionInput => ({ patientId: patient.id, appointmentId: visitId, items: ITEMS });

  beforeAll(async () => {
    doctor = await person("DOCTOR");
    patient = await person("PATIENT");
    visitId = (await visit(doctor.id, patient.id)).id;
    id = await asActor(doctor.actor, () => issuePrescription(doctor.actor, input()));
  });

  it("is issued signed, with its items in order, readable by the patient and the doctor; audited", async () => {
    for (const reader of [patient, doctor]) {
      const seen = await asActor(reader.actor, () => prescriptionFor(reader.actor, id));
      expect(seen).toMatchObject({
        id,
        patientId: patient.id,
        doctorId: doctor.id,
        doctorName: DOCTOR_NAME,
        licenseNumber: LICENCE,
        appointmentId: visitId,
      });
      expect(seen.verificationCode).toMatch(VERIFICATION_CODE_PATTERN);
      expect(Math.abs(seen.signedAt.getTime() - Date.now())).toBeLessThan(60_000);
      expect(seen.items).toEqual(ITEMS.map((item, index) => ({ ...item, position: index + 1 })));
    }
    const listed = await asActor(patient.actor, () => prescriptionsOfPatient(patient.actor, patient.id));
    expect(listed.map((p) => p.id)).toEqual([id]);
    expect(await countAudit("prescription.issued", id)).toBe(1);
    expect(await countAudit("prescription.viewed", id)).toBe(3);
    const [issued] = await runSql<{ details: { items: number }; actor_id: string }>(
      databaseUrl,
      "SELECT details, actor_id FROM audit_log WHERE action = 'prescription.issued' AND resource_id = $1",
      [id],
    );
    expect(issued).toMatchObject({ actor_id: doctor.id, details: { items: 2 } });
    // Every item read is on record too (one row per PHI record).
    const reads = await runSql(
      databaseUrl,
      "SELECT 1 FROM audit_log WHERE action = 'phi.read' AND resource_type = 'PrescriptionItem' AND actor_id = $1",
      [patient.id],
    );
    expect(reads.length).toBeGreaterThanOrEqual(4);
  });

  it("stores every item field as ciphertext and no audit row carries a value", async () => {
    const rows = await runSql<Record<string, string>>(
      databaseUrl,
      `SELECT ${ITEM_FIELDS.join(", ")} FROM prescription_items WHERE prescription_id = $1 ORDER BY position`,
      [id],
    );
    expect(rows).toHaveLength(2);
    rows.forEach((row, index) => {
      for (const field of ITEM_FIELDS) {
        expect(row[field], field).toMatch(/^v2:/);
        const plain = ITEMS[index]![field];
        if (plain) expect(row[field], field).not.toContain(plain.slice(0, 6));
      }
    });
    const audit = await runSql<{ details: unknown }>(
      databaseUrl,
      "SELECT details FROM audit_log WHERE resource_id = $1",
      [id],
    );
    const text = JSON.stringify(audit);
    for (const item of ITEMS) expect(text).not.toContain(item.medicine);
  });

  it("can never be changed or deleted: the database refuses", async () => {
    await expect(
      runSql(databaseUrl, "UPDATE prescriptions SET signed_at = now() - interval '1 year' WHERE id = $1", [
        id,
      ]),
    ).rejects.toThrow(/signed and cannot be changed/);
    await expect(runSql(databaseUrl, "DELETE FROM prescriptions WHERE id = $1", [id])).rejects.toThrow(
      /signed and cannot be changed/,
    );
    await expect(
      runSql(databaseUrl, "UPDATE prescription_items SET refills = 12 WHERE prescription_id = $1", [id]),
    ).rejects.toThrow(/signed and cannot be changed/);
    await expect(
      runSql(databaseUrl, "DELETE FROM prescription_items WHERE prescription_id = $1", [id]),
    ).rejects.toThrow(/signed and cannot be changed/);
  });

  it("renders a valid PDF with clinic, doctor, licence, the patient's shaped Devanagari name, every item and the code", async () => {
    const document = await asActor(patient.actor, () => prescriptionDocumentFor(patient.actor, id));
    const pdf = await renderPrescriptionPdf(document);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const { text, info, fonts } = poppler(pdf);
    expect(info).toMatch(/Pages:\s+1/);
    expect(info).toMatch(/Title:\s+Prescription/);
    // Only the bundled font, embedded: no built-in Latin-only font anywhere.
    expect(fonts).toContain("NotoSansDevanagari");
    expect(fonts).not.toMatch(/Helvetica|Times|Courier/);
    const flat = text.replace(/\s+/g, " ");
    for (const expected of [
      "Haven Clinic",
      DOCTOR_NAME,
      LICENCE,
      "14 March 1990",
      document.prescription.verificationCode,
    ]) {
      expect(flat).toContain(expected);
    }
    expect(flat).toContain(`/verify/${document.prescription.verificationCode}`);
    for (const item of ITEMS) {
      for (const field of ITEM_FIELDS) if (item[field]) expect(flat, field).toContain(item[field]);
    }
    expect(flat).toContain("Refills: 2");
    // The given name comes out as typed; the surname's reph (र्) is placed by shaping over the
    // last syllable, so its glyphs come out in visual order: proof the text was shaped.
    expect(flat).toContain("अनन्या");
    expect(flat).toMatch(/श(मार्|र्मा)/);
  });

  it("answers the PDF route with a safe attachment, audited as a download; anonymous gets 404", async () => {
    const before = await countAudit("prescription.downloaded", id);
    const response = await fetchPdf(id, patient.actor);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="prescription-${id.slice(0, 8)}.pdf"`,
    );
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect((await fetchPdf(id, doctor.actor)).status).toBe(200);
    expect(await countAudit("prescription.downloaded", id)).toBe(before + 2);

    const refusedBefore = await countAudit("authz.denied", id);
    const anonymous = await fetchPdf(id);
    expect(anonymous.status).toBe(404);
    expect(await countAudit("authz.denied", id)).toBe(refusedBefore + 1);
    expect(await anonymous.text()).not.toContain(id);
    expect((await fetchPdf("not-an-id", patient.actor)).status).toBe(404);
  });

  it("answers 404, audited, to another patient, a doctor without a visit and an admin: view, PDF and issue", async () => {
    const outsiders = [await person("PATIENT"), await person("DOCTOR"), await person("ADMIN")];
    for (const outsider of outsiders) {
      const role = outsider.actor.role;
      let before = await countAudit("authz.denied", id);
      expect(
        (await appErrorOf(asActor(outsider.actor, () => prescriptionFor(outsider.actor, id)))).code,
        role,
      ).toBe("NOT_FOUND");
      expect(await countAudit("authz.denied", id), role).toBe(before + 1);

      before = await countAudit("authz.denied", id);
      const response = await fetchPdf(id, outsider.actor);
      expect(response.status, role).toBe(404);
      expect(response.headers.get("content-type"), role).not.toContain("pdf");
      // An admin lacks clinical:read, the others are refused the record: audited against it either way.
      expect(await countAudit("authz.denied", id), role).toBe(before + 1);

      const refusedIssue = await appErrorOf(
        asActor(outsider.actor, () => issuePrescription(outsider.actor, input())),
      );
      expect(refusedIssue.code, role).toBe("NOT_FOUND");
      expect(
        (await appErrorOf(asActor(outsider.actor, () => prescriptionsOfPatient(outsider.actor, patient.id))))
          .code,
      ).toBe("NOT_FOUND");
    }
    // The patient cannot prescribe for themself either; nothing was written by any refused attempt.
    expect(
      (await appErrorOf(asActor(patient.actor, () => issuePrescription(patient.actor, input())))).code,
    ).toBe("NOT_FOUND");
    const written = await runSql(databaseUrl, "SELECT 1 FROM prescriptions WHERE patient_id = $1", [
      patient.id,
    ]);
    expect(written).toHaveLength(1);
    // An id that does not exist looks the same, and is audited too.
    const missing = randomUUID();
    expect((await appErrorOf(asActor(doctor.actor, () => prescriptionFor(doctor.actor, missing)))).code).toBe(
      "NOT_FOUND",
    );
    expect((await fetchPdf(missing, doctor.actor)).status).toBe(404);
    expect(await countAudit("authz.denied", missing)).toBe(2);
  });

  it("issues one prescription for one form, however often (or however fast) it is submitted", async () => {
    const other = await person("PATIENT");
    await visit(doctor.id, other.id);
    const submission = {
      patientId: other.id,
      appointmentId: undefined,
      items: ITEMS,
      submissionId: randomUUID(),
    };
    const racing = await Promise.all(
      [1, 2, 3].map(() => asActor(doctor.actor, () => issuePrescription(doctor.actor, submission))),
    );
    expect(new Set(racing).size).toBe(1);
    expect(await asActor(doctor.actor, () => issuePrescription(doctor.actor, submission))).toBe(racing[0]);
    const rows = await runSql(databaseUrl, "SELECT 1 FROM prescriptions WHERE patient_id = $1", [other.id]);
    expect(rows).toHaveLength(1);
  });

  it("refuses a visit that is not the doctor's with this patient, and bad items, writing nothing", async () => {
    const colleague = await person("DOCTOR");
    const otherVisit = (await visit(colleague.id, patient.id)).id;
    const wrongVisit = await appErrorOf(
      asActor(doctor.actor, () => issuePrescription(doctor.actor, { ...input(), appointmentId: otherVisit })),
    );
    expect(wrongVisit.code).toBe("VALIDATION_FAILED");
    expect(wrongVisit.details.fields?.[0]?.field).toBe("appointmentId");
    const badItem = await appErrorOf(
      asActor(doctor.actor, () =>
        issuePrescription(doctor.actor, { ...input(), items: [{ ...ITEMS[0]!, dose: " ", refills: 13 }] }),
      ),
    );
    expect(badItem.details.fields?.map((f) => f.message)).toEqual([
      "Item 1: enter the dose.",
      "Item 1: at most 12 refills.",
    ]);
    const written = await runSql(databaseUrl, "SELECT 1 FROM prescriptions WHERE patient_id = $1", [
      patient.id,
    ]);
    expect(written).toHaveLength(1);
  });

  it("verifies a code publicly: who signed and when, no patient data and no medicines; audited", async () => {
    const { verificationCode } = await asActor(patient.actor, () => prescriptionFor(patient.actor, id));
    const anonymous = <T>(fn: () => Promise<T>) => runAsActor({ kind: "anonymous" }, fn);
    const typed = verificationCode.toLowerCase().replace(/-/g, " ");
    const verified = await anonymous(() => verifyPrescription(typed, null));
    expect(Object.keys(verified).sort()).toEqual(
      ["clinicName", "doctorName", "doctorTimeZone", "itemCount", "licenseNumber", "signedAt"].sort(),
    );
    expect(verified).toMatchObject({ doctorName: DOCTOR_NAME, licenseNumber: LICENCE, itemCount: 2 });
    const shown = JSON.stringify(verified);
    for (const secret of [PATIENT_NAME, "1990", patient.id, ITEMS[0]!.medicine, ITEMS[1]!.medicine]) {
      expect(shown).not.toContain(secret);
    }
    expect(await countAudit("prescription.verified", id)).toBe(1);

    const failuresBefore = Number(
      (
        await runSql<{ n: string }>(
          databaseUrl,
          "SELECT count(*) AS n FROM audit_log WHERE action = 'prescription.verified' AND outcome = 'FAILURE'",
        )
      )[0]!.n,
    );
    for (const wrong of ["ZZZZ-ZZZZ-ZZZZ", "not a code", ""]) {
      const error = await appErrorOf(anonymous(() => verifyPrescription(wrong, null)));
      expect(error.code).toBe("NOT_FOUND");
      expect(error.message).toBe("There is no prescription with this code.");
    }
    const failuresAfter = Number(
      (
        await runSql<{ n: string }>(
          databaseUrl,
          "SELECT count(*) AS n FROM audit_log WHERE action = 'prescription.verified' AND outcome = 'FAILURE'",
        )
      )[0]!.n,
    );
    expect(failuresAfter).toBe(failuresBefore + 3);

    // The code form sends a typed code on to its page, tidied; junk to a page that says it is unknown.
    const post = (code: string) =>
      verifyForm(
        new Request("http://localhost/api/verify", {
          method: "POST",
          body: new URLSearchParams({ code }),
          headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "10.78.0.1" },
        }),
        { params: Promise.resolve({}) },
      );
    const sent = await post(typed);
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toBe(`/verify/${verificationCode}`);
    expect((await post("<script>")).headers.get("location")).toBe("/verify/unknown");
  });

  it("seeds one demo prescription with two items and the doctors' licence numbers, idempotently", async () => {
    // seed.test.ts may be creating the same demo accounts at this moment: a lost race is retried once.
    await seedDemoData(getDb()).catch(() => seedDemoData(getDb()));
    await runAsSystem("seed", () => seedDemoPrescriptions(getDb()));
    await runAsSystem("seed", () => seedDemoPrescriptions(getDb()));
    const [okafor, maya] = await runAsSystem("test", () =>
      Promise.all(
        [DEMO_EMAILS.doctors[0], DEMO_EMAILS.patients[0]].map(
          async (email) =>
            (await getDb().user.findFirstOrThrow({ where: { email }, select: { id: true } })).id,
        ),
      ),
    );
    const okaforActor = authenticatedActor(okafor!, "DOCTOR");
    const seeded = await asActor(okaforActor, () => prescriptionsOfPatient(okaforActor, maya!));
    const demo = seeded.filter((p) => p.doctorId === okafor);
    expect(demo).toHaveLength(1);
    expect(demo[0]!.items.map((item) => item.medicine)).toEqual(["Levothyroxine", "Vitamin D3"]);
    expect(demo[0]!.licenseNumber).toMatch(/^MED-/);
  });
});
