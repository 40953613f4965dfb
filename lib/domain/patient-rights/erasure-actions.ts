"use server";

// The patient's side of erasure: parse → authorize → use case → revalidate.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireActor, runAs } from "@/lib/auth/current";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { requestErasure, withdrawErasureRequest } from "./erasure";

const requestSchema = z.object({
  password: z.string().min(1, { error: "Enter your password to confirm it is you." }).max(1_024),
  understood: z.literal("on", {
    error: "Tick the box to confirm you understand that erasure cannot be undone.",
  }),
});

const withdrawSchema = z.object({ requestId: z.uuid({ error: "Unknown request." }) });

export async function requestErasureAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:own");
  let message: string;
  try {
    const input = requestSchema.parse(Object.fromEntries(form));
    // A password check: limited like every other one.
    await consumeRateLimit("sensitive", `erasure:${actor.userId}`);
    const result = await runAs(actor, () => requestErasure(actor, { password: input.password }));
    message = result.onHold
      ? "Your request is recorded, but it is paused for now: the clinic must keep your data for a legal reason. You will be told when it can go ahead."
      : `Your request is recorded. The clinic will carry it out by ${result.dueAt.toISOString().slice(0, 10)}; you will get an email when it is done.`;
  } catch (error) {
    return failure(error, formValues(form, ["password"]));
  }
  revalidatePath("/patient/privacy", "layout");
  return { ok: true, message };
}

export async function withdrawErasureAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:own");
  try {
    const { requestId } = withdrawSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => withdrawErasureRequest(actor, requestId));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/patient/privacy", "layout");
  return { ok: true, message: "Your erasure request is withdrawn. Nothing was erased." };
}
