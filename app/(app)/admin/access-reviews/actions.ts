"use server";

import type { Route } from "next";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireActor, runAs } from "@/lib/auth/current";
import { decisionSchema, reviewIdSchema } from "@/lib/domain/access-reviews/schemas";
import {
  completeAccessReview,
  decideAccessReviewEntry,
  startAccessReview,
} from "@/lib/domain/access-reviews/service";
import { AppError } from "@/lib/http/errors";
import { type FormState, failure } from "@/lib/http/form-state";

const NO_SUCH_REVIEW = () => new AppError("NOT_FOUND", "No such access review.");

/** Starts this quarter's review (or opens it when it exists) and goes to it. */
export async function startAccessReviewAction(_previous: FormState, _form: FormData): Promise<FormState> {
  const actor = await requireActor("access-reviews:manage");
  let reviewId: string;
  try {
    ({ reviewId } = await runAs(actor, () => startAccessReview(actor)));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/admin/access-reviews");
  redirect(`/admin/access-reviews/${reviewId}` as Route);
}

export async function decideEntryAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("access-reviews:manage");
  const parsed = decisionSchema.safeParse(Object.fromEntries(form));
  try {
    if (!parsed.success) throw NO_SUCH_REVIEW();
    const input = parsed.data;
    const { sessionsEnded } = await runAs(actor, () => decideAccessReviewEntry(actor, input));
    revalidatePath(`/admin/access-reviews/${input.reviewId}`);
    revalidatePath("/admin/access-reviews");
    revalidatePath("/admin/users");
    return {
      ok: true,
      message:
        input.decision === "KEEP"
          ? "Recorded: keep this access."
          : `Recorded: access revoked. The account is deactivated; ${sessionsEnded} ${sessionsEnded === 1 ? "session" : "sessions"} ended.`,
    };
  } catch (error) {
    return failure(error, {});
  }
}

export async function completeReviewAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("access-reviews:manage");
  const parsed = reviewIdSchema.safeParse(Object.fromEntries(form));
  try {
    if (!parsed.success) throw NO_SUCH_REVIEW();
    await runAs(actor, () => completeAccessReview(actor, parsed.data.reviewId));
    revalidatePath(`/admin/access-reviews/${parsed.data.reviewId}`);
    revalidatePath("/admin/access-reviews");
    return { ok: true, message: "The review is complete. Its decisions are final." };
  } catch (error) {
    return failure(error, {});
  }
}
