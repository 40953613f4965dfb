"use server";

// The retention page's server action: authorize → use case → revalidate.
import { revalidatePath } from "next/cache";
import { requireActor, runAs } from "@/lib/auth/current";
import { type FormState, failure } from "@/lib/http/form-state";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { requestRetentionRun } from "./runs";

export async function runRetentionNowAction(_previous: FormState, _form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:manage");
  try {
    await consumeRateLimit("sensitive", `retention-run:${actor.userId}`);
    await runAs(actor, () => requestRetentionRun(actor));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/admin/retention");
  return {
    ok: true,
    message: "Run requested. The job worker starts it within a minute; reload to see its counts.",
  };
}
