"use server";

// The health profile and medication forms' server actions: authorize → parse →
// use case → revalidate or redirect. Only the patient edits; the services refuse
// anyone else too.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireActor, runAs } from "@/lib/auth/current";
import { addMedication } from "@/lib/domain/health-profile/add-medication";
import { removeMedication } from "@/lib/domain/health-profile/remove-medication";
import {
  addMedicationSchema,
  healthProfileSchema,
  medicationIdSchema,
  stopMedicationSchema,
  updateMedicationSchema,
} from "@/lib/domain/health-profile/schemas";
import { stopMedication } from "@/lib/domain/health-profile/stop-medication";
import { updateHealthProfile } from "@/lib/domain/health-profile/update-health-profile";
import { updateMedication } from "@/lib/domain/health-profile/update-medication";
import { type FormState, failure, formValues } from "@/lib/http/form-state";

const refresh = () => revalidatePath("/patient", "layout");

export async function saveHealthProfileAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("health:manage-own");
  let changed: string[];
  try {
    const input = healthProfileSchema.parse(Object.fromEntries(form));
    changed = await runAs(actor, () => updateHealthProfile(actor, actor.userId, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  refresh();
  return { ok: true, message: changed.length ? "Your health profile is saved." : "Nothing had changed." };
}

export async function addMedicationAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("health:manage-own");
  try {
    const input = addMedicationSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => addMedication(actor, actor.userId, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  refresh();
  return { ok: true, message: "The medication is added to your list." };
}

export async function stopMedicationAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("health:manage-own");
  try {
    const { medicationId, stoppedOn } = stopMedicationSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => stopMedication(actor, medicationId, stoppedOn));
  } catch (error) {
    return failure(error, formValues(form));
  }
  refresh();
  // The row (and the form in it) moves to past medications: the page says so.
  redirect("/patient/health?medication=stopped");
}

export async function updateMedicationAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("health:manage-own");
  try {
    const { medicationId, ...changes } = updateMedicationSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => updateMedication(actor, medicationId, changes));
  } catch (error) {
    return failure(error, formValues(form));
  }
  refresh();
  redirect("/patient/health?medication=saved");
}

export async function removeMedicationAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("health:manage-own");
  try {
    const { medicationId } = medicationIdSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => removeMedication(actor, medicationId));
  } catch (error) {
    return failure(error, formValues(form));
  }
  refresh();
  redirect("/patient/health?medication=removed");
}
