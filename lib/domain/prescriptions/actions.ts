"use server";

// The prescription form's server action: parse → authorize → issue → back to the chart.
import type { Route } from "next";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireActor, runAs } from "@/lib/auth/current";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { issuePrescription } from "./issue-prescription";
import { parsePrescription, prescriptionFormSchema, prescriptionFromForm } from "./schemas";

export async function issuePrescriptionAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("clinical:write");
  let patientId: string;
  try {
    const input = parsePrescription(prescriptionFromForm(form.entries()), prescriptionFormSchema);
    patientId = input.patientId;
    await runAs(actor, () => issuePrescription(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidatePath(`/doctor/patients/${patientId}`);
  redirect(`/doctor/patients/${patientId}?prescribed=1#prescriptions` as Route);
}
