"use server";

// The security area's server actions: parse → authorize → use case → redirect or revalidate.
import type { Route } from "next";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { type AuthenticatedActor, requireActor, runAs } from "@/lib/auth/current";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { setAlertStatus } from "./alerts";
import { grantEmergencyAccess, reviewGrant } from "./break-glass";
import { addIncidentEntry, linkAlert, openIncident, setIncidentStatus } from "./incidents";
import {
  alertIdSchema,
  breakGlassSchema,
  incidentEntrySchema,
  incidentStatusSchema,
  linkAlertSchema,
  openIncidentSchema,
  reviewGrantSchema,
} from "./schemas";

export async function breakGlassAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("clinical:break-glass");
  let patientId: string;
  try {
    const input = breakGlassSchema.parse(Object.fromEntries(form));
    // The email lookup says whether a patient exists: a few a doctor needs, not an enumeration.
    await consumeRateLimit("sensitive", `break-glass:${actor.userId}`);
    patientId = (await runAs(actor, () => grantEmergencyAccess(actor, input))).patientId;
  } catch (error) {
    return failure(error, formValues(form));
  }
  redirect(`/doctor/patients/${patientId}` as Route);
}

export async function reviewGrantAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("security:manage");
  try {
    const input = reviewGrantSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => reviewGrant(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidatePath("/admin/security", "layout");
  return { ok: true, message: "Review recorded. The access left the review queue." };
}

async function changeAlertStatus(
  actor: AuthenticatedActor,
  form: FormData,
  status: "ACKNOWLEDGED" | "CLOSED",
  message: string,
): Promise<FormState> {
  try {
    const { alertId } = alertIdSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => setAlertStatus(actor, alertId, status));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/admin/security", "layout");
  return { ok: true, message };
}

export async function acknowledgeAlertAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("security:manage");
  return changeAlertStatus(actor, form, "ACKNOWLEDGED", "Alert acknowledged.");
}

export async function closeAlertAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("security:manage");
  return changeAlertStatus(actor, form, "CLOSED", "Alert closed.");
}

export async function openIncidentAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("security:manage");
  let incidentId: string;
  try {
    const input = openIncidentSchema.parse(Object.fromEntries(form));
    incidentId = await runAs(actor, () => openIncident(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  redirect(`/admin/security/incidents/${incidentId}` as Route);
}

export async function addIncidentEntryAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("security:manage");
  try {
    const input = incidentEntrySchema.parse(Object.fromEntries(form));
    await runAs(actor, () => addIncidentEntry(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidatePath("/admin/security", "layout");
  return { ok: true, message: "Added to the incident's record." };
}

export async function setIncidentStatusAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("security:manage");
  try {
    const input = incidentStatusSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => setIncidentStatus(actor, input));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/admin/security", "layout");
  return { ok: true, message: "Status changed." };
}

export async function linkAlertAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("security:manage");
  try {
    const { incidentId, alertId } = linkAlertSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => linkAlert(actor, incidentId, alertId));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/admin/security", "layout");
  return { ok: true, message: "Alert added to the incident." };
}
