"use server";

// The devices page's server actions: parse → authorize → use case → revalidate.
import { revalidatePath } from "next/cache";
import { requireActor, runAs } from "@/lib/auth/current";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { importReadings } from "./import-readings";
import { registerDevice } from "./register-device";
import { deviceSchema, importTargetSchema } from "./schemas";

export async function registerDeviceAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("health:manage-own");
  try {
    const input = deviceSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => registerDevice(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidatePath("/patient/devices");
  return { ok: true, message: "Device added. You can now import its readings." };
}

export async function importReadingsAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("health:manage-own");
  const values = formValues(form);
  try {
    const { deviceId } = importTargetSchema.parse(Object.fromEntries(form));
    const file = form.get("file");
    const bytes = file instanceof Blob ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
    const result = await runAs(actor, () => importReadings(actor, deviceId, { bytes }));
    if (!result.ok) {
      return {
        ok: false,
        message: result.summary,
        fieldErrors: { file: result.summary },
        values,
        data: { lineErrors: result.errors },
      };
    }
    revalidatePath("/patient/devices");
    const skipped = result.duplicates
      ? ` ${result.duplicates} already imported ${result.duplicates === 1 ? "was" : "were"} skipped.`
      : "";
    return {
      ok: true,
      message: `Imported ${result.imported} ${result.imported === 1 ? "reading" : "readings"}.${skipped}`,
      values: { deviceId },
    };
  } catch (error) {
    return failure(error, values);
  }
}
