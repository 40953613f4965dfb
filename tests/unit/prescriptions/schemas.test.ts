import { describe, expect, it } from "vitest";
import {
  MAX_ITEMS,
  parsePrescription,
  prescriptionFormSchema,
  prescriptionFromForm,
} from "@/lib/domain/prescriptions/schemas";
import { AppError } from "@/lib/http/errors";

const PATIENT = "0b9c7c1e-4a43-4d4e-9a57-2f0c1e0f6a11";
const ITEM = {
  medicine: " Amoxicillin ",
  strength: "500 mg",
  form: "capsule",
  dose: "1 capsule",
  route: "by mouth",
  frequency: "3 times a day",
  duration: "7 days",
  quantity: "21 capsules",
  refills: "0",
};

function fieldsOf(input: unknown, schema?: Parameters<typeof parsePrescription>[1]) {
  try {
    parsePrescription(input, schema);
  } catch (error) {
    expect(AppError.is(error)).toBe(true);
    expect((error as AppError).code).toBe("VALIDATION_FAILED");
    return Object.fromEntries((error as AppError).details.fields!.map((f) => [f.field, f.message]));
  }
  throw new Error("the prescription was accepted");
}

describe("the prescription schema", () => {
  it("trims every field, defaults instructions to empty, coerces refills", () => {
    const parsed = parsePrescription({ patientId: PATIENT, appointmentId: "", items: [ITEM] });
    expect(parsed.items[0]).toMatchObject({ medicine: "Amoxicillin", refills: 0, instructions: "" });
    expect(parsed.appointmentId).toBeUndefined();
  });

  it("names the item number and the field in each message, keyed by the form's field name", () => {
    const fields = fieldsOf({
      patientId: PATIENT,
      items: [ITEM, { ...ITEM, dose: "   ", refills: "13" }, { ...ITEM, medicine: "x".repeat(201) }],
    });
    expect(fields).toEqual({
      "items.1.dose": "Item 2: enter the dose.",
      "items.1.refills": "Item 2: at most 12 refills.",
      "items.2.medicine": "Item 3: keep the medicine under 200 characters.",
    });
  });

  it("refuses negative or fractional refills and a missing field", () => {
    const withoutRoute: Record<string, string> = { ...ITEM };
    delete withoutRoute.route;
    const fields = fieldsOf({
      patientId: PATIENT,
      items: [{ ...ITEM, refills: "-1" }, withoutRoute, { ...ITEM, refills: "1.5" }],
    });
    expect(fields["items.0.refills"]).toBe("Item 1: write the number of refills, 0 to 12.");
    expect(fields["items.1.route"]).toBe("Item 2: enter the route.");
    expect(fields["items.2.refills"]).toMatch(/^Item 3: /);
  });

  it("needs 1 to 20 items and a patient id", () => {
    expect(fieldsOf({ patientId: PATIENT, items: [] })).toEqual({ items: "Add at least one medicine." });
    expect(fieldsOf({ patientId: PATIENT, items: Array(MAX_ITEMS + 1).fill(ITEM) })).toEqual({
      items: "A prescription holds at most 20 medicines.",
    });
    expect(Object.keys(fieldsOf({ patientId: "not-an-id", items: [ITEM] }))).toEqual(["patientId"]);
  });

  it("the form needs the doctor's signature", () => {
    expect(fieldsOf({ patientId: PATIENT, items: [ITEM] }, prescriptionFormSchema)).toEqual({
      confirm: "Confirm that you sign this prescription.",
    });
    expect(
      parsePrescription({ patientId: PATIENT, items: [ITEM], confirm: "on" }, prescriptionFormSchema).items,
    ).toHaveLength(1);
  });

  it("reads the form's items.<n>.<field> names in numeric order and ignores anything else", () => {
    const form = new FormData();
    form.set("patientId", PATIENT);
    form.set("items.10.medicine", "Third");
    form.set("items.2.medicine", "Second");
    form.set("items.0.medicine", "First");
    form.set("items.0.__proto__", "x");
    form.set("role", "ADMIN");
    const input = prescriptionFromForm(form.entries());
    expect(input).toEqual({
      patientId: PATIENT,
      items: [{ medicine: "First" }, { medicine: "Second" }, { medicine: "Third" }],
    });
  });
});
