"use server";

// The emergency button and the doctor's acknowledgement: parse → authorize → use case.
import { revalidatePath } from "next/cache";
import { requireActor, runAs } from "@/lib/auth/current";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { acknowledgeEmergency } from "./acknowledge-emergency";
import { raiseEmergency } from "./raise-emergency";
import { acknowledgeSchema, raiseSchema } from "./schemas";

export async function raiseEmergencyAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("emergency:raise");
  try {
    const { country } = raiseSchema.parse(Object.fromEntries(form));
    const raised = await runAs(actor, () => raiseEmergency(actor, { country }));
    return { ok: true, values: formValues(form), data: { doctorsTold: raised.doctorsTold } };
  } catch (error) {
    return failure(error, formValues(form));
  }
}

export async function acknowledgeEmergencyAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("clinical:write");
  try {
    const { eventId } = acknowledgeSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => acknowledgeEmergency(actor, eventId));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/doctor");
  return { ok: true, message: "Marked as seen." };
}
