"use server";

// Server actions of corrections, erasure, the admins' request queue and legal holds: parse →
// authorize → use case → revalidate. Each calls requireActor itself.
import { revalidatePath } from "next/cache";
import { requireActor, runAs } from "@/lib/auth/current";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import {
  answerCorrection,
  addDisagreementStatement,
  assignCorrection,
  requestCorrection,
} from "./corrections";
import { carryOutErasure, requestErasure, withdrawErasureRequest } from "./erasure";
import { placeLegalHold, releaseLegalHold } from "./legal-hold";
import { markErasureInProgress, rejectRequest } from "./queue";
import {
  answerCorrectionSchema,
  assignCorrectionSchema,
  correctionTargetValue,
  disagreementSchema,
  placeLegalHoldSchema,
  rejectRequestSchema,
  releaseLegalHoldSchema,
  requestErasureSchema,
  requestCorrectionSchema,
  requestIdSchema,
} from "./schemas";

const revalidateRequests = () => {
  revalidatePath("/patient/privacy", "layout");
  revalidatePath("/doctor/corrections", "layout");
  revalidatePath("/admin/requests", "layout");
};

export async function requestCorrectionAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:own");
  try {
    const input = requestCorrectionSchema.parse(Object.fromEntries(form));
    const { receipt, timeZone } = await runAs(actor, async () => ({
      receipt: await requestCorrection(actor, input),
      timeZone: await accountTimeZone(actor),
    }));
    revalidateRequests();
    const due = formatDateTime(receipt.dueAt, timeZone);
    return {
      ok: true,
      message: receipt.assigneeName
        ? `Your request was sent to ${receipt.assigneeName}, who answers by ${due}.`
        : `Your request was received. The clinic assigns a doctor to it; you get an answer by ${due}.`,
      data: { target: correctionTargetValue(input.target) },
    };
  } catch (error) {
    return failure(error, formValues(form));
  }
}

export async function addDisagreementAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:own");
  try {
    const input = disagreementSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => addDisagreementStatement(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidateRequests();
  return { ok: true, message: "Your statement was added to the request and to your record." };
}

export async function answerCorrectionAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:answer-corrections");
  try {
    const input = answerCorrectionSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => answerCorrection(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidateRequests();
  return { ok: true, message: "Your answer was recorded. The patient sees it on their privacy page." };
}

export async function assignCorrectionAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:manage");
  try {
    const input = assignCorrectionSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => assignCorrection(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidateRequests();
  return { ok: true, message: "Assigned. The doctor sees the request in their corrections." };
}

export async function startErasureAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:manage");
  try {
    const { requestId } = requestIdSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => markErasureInProgress(actor, requestId));
  } catch (error) {
    return failure(error, {});
  }
  revalidateRequests();
  return { ok: true, message: "The erasure is marked as in progress." };
}

export async function carryOutErasureAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:manage");
  try {
    const { requestId } = requestIdSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => carryOutErasure(actor, requestId));
  } catch (error) {
    return failure(error, {});
  }
  revalidateRequests();
  return { ok: true, message: "The erasure was carried out. What was erased and kept is listed below." };
}

export async function rejectRequestAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:manage");
  try {
    const input = rejectRequestSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => rejectRequest(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidateRequests();
  return { ok: true, message: "The request is declined. The patient sees your reason." };
}

export async function placeLegalHoldAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:manage");
  let held: number;
  try {
    const input = placeLegalHoldSchema.parse(Object.fromEntries(form));
    held = (await runAs(actor, () => placeLegalHold(actor, input.patientId, input.reason))).heldRequests;
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidateRequests();
  revalidatePath("/admin/users", "layout");
  return {
    ok: true,
    message: `Legal hold placed.${held ? ` ${held} erasure request(s) paused.` : ""}`,
  };
}

export async function releaseLegalHoldAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:manage");
  let resumed: number;
  try {
    const input = releaseLegalHoldSchema.parse(Object.fromEntries(form));
    resumed = (await runAs(actor, () => releaseLegalHold(actor, input.holdId, input.note))).resumedRequests;
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidateRequests();
  revalidatePath("/admin/users", "layout");
  return {
    ok: true,
    message: `Legal hold released.${resumed ? ` ${resumed} erasure request(s) are back in the queue.` : ""}`,
  };
}

export async function requestErasureAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:own");
  let message: string;
  try {
    const input = requestErasureSchema.parse(Object.fromEntries(form));
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
    const { requestId } = requestIdSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => withdrawErasureRequest(actor, requestId));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/patient/privacy", "layout");
  return { ok: true, message: "Your erasure request is withdrawn. Nothing was erased." };
}
