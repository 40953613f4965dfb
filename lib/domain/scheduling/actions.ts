"use server";

// The scheduling forms' server actions: parse → authorize → use case → revalidate or redirect.
import type { Route } from "next";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireActor, runAs } from "@/lib/auth/current";
import { checkoutAfterBooking } from "@/lib/domain/payments/start-checkout";
import { bookAppointment } from "@/lib/domain/scheduling/book-appointment";
import { cancelAppointment, rescheduleAppointment } from "@/lib/domain/scheduling/change-appointment";
import { progressAppointment } from "@/lib/domain/scheduling/progress-appointment";
import {
  addException,
  removeException,
  saveDoctorSettings,
  saveWeeklyHours,
} from "@/lib/domain/scheduling/availability";
import {
  WEEKDAYS,
  bookingSchema,
  cancelSchema,
  doctorSettingsSchema,
  exceptionIdSchema,
  exceptionSchema,
  progressSchema,
  rescheduleSchema,
} from "@/lib/domain/scheduling/schemas";
import { type FormState, failure, formValues } from "@/lib/http/form-state";

export async function bookVisitAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("appointments:book");
  let appointmentId: string;
  try {
    const input = bookingSchema.parse(Object.fromEntries(form));
    appointmentId = await runAs(actor, () => bookAppointment(actor, input));
  } catch (error) {
    // The list of free times changed: show it as it is now.
    revalidatePath("/doctors/[doctorId]", "page");
    return failure(error, formValues(form));
  }
  // A paid visit is held while the patient pays; a provider that does not answer leaves it
  // held, and the visit page offers to try again.
  let destination = `/patient/visits/${appointmentId}?booked=1`;
  try {
    destination = (await runAs(actor, () => checkoutAfterBooking(actor, appointmentId))) ?? destination;
  } catch {
    destination = `/patient/visits/${appointmentId}?payment=unavailable`;
  }
  // A provider's page is another origin: not one of the app's typed routes.
  redirect(`${destination}` as Route);
}

export async function rescheduleVisitAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("appointments:own");
  let appointmentId: string;
  try {
    const input = rescheduleSchema.parse(Object.fromEntries(form));
    appointmentId = input.appointmentId;
    await runAs(actor, () => rescheduleAppointment(actor, input.appointmentId, input.startsAt));
  } catch (error) {
    revalidatePath("/doctors/[doctorId]", "page");
    return failure(error, formValues(form));
  }
  const base = actor.role === "PATIENT" ? "/patient/visits" : "/doctor/visits";
  redirect(`${base}/${appointmentId}?moved=1` as Route);
}

export async function cancelVisitAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("appointments:own");
  let appointmentId: string;
  try {
    const input = cancelSchema.parse(Object.fromEntries(form));
    appointmentId = input.appointmentId;
    await runAs(actor, () => cancelAppointment(actor, input.appointmentId, input.reason));
  } catch (error) {
    return failure(error, formValues(form));
  }
  // The cancel form is gone from a cancelled visit's page, so the confirmation travels in the URL.
  const base = actor.role === "PATIENT" ? "/patient/visits" : "/doctor/visits";
  redirect(`${base}/${appointmentId}?cancelled=1` as Route);
}

export async function progressVisitAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("schedule:manage-own");
  try {
    const { appointmentId, step } = progressSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => progressAppointment(actor, appointmentId, step));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/doctor", "layout");
  return { ok: true, message: "Saved." };
}

export async function saveDoctorSettingsAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("schedule:manage-own");
  try {
    const settings = doctorSettingsSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => saveDoctorSettings(actor, settings));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidatePath("/doctor", "layout");
  return { ok: true, message: "Settings saved." };
}

export async function saveWeeklyHoursAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("schedule:manage-own");
  try {
    const byWeekday = Object.fromEntries(
      WEEKDAYS.map(({ weekday }) => {
        const text = form.get(`day${weekday}`);
        return [weekday, typeof text === "string" ? text : ""];
      }),
    );
    await runAs(actor, () => saveWeeklyHours(actor, byWeekday));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidatePath("/doctor", "layout");
  return { ok: true, message: "Weekly hours saved. The preview below shows the new free times." };
}

export async function addExceptionAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("schedule:manage-own");
  try {
    const input = exceptionSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => addException(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidatePath("/doctor", "layout");
  return { ok: true, message: "Exception added." };
}

export async function removeExceptionAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("schedule:manage-own");
  try {
    const { exceptionId } = exceptionIdSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => removeException(actor, exceptionId));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/doctor", "layout");
  return { ok: true, message: "Exception removed." };
}
