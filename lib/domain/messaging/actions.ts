"use server";
// Server actions of messaging (forms that work without JavaScript too).
import type { Route } from "next";
import { redirect } from "next/navigation";
import { requireActor, runAs } from "@/lib/auth/current";
import { orNotFound } from "@/lib/http/not-found";
import { openThread } from "./open-thread";
import { openThreadSchema } from "./schemas";

/** "Message Dr X" / "Message this patient": opens (or finds) the pair's thread and goes there. */
export async function openThreadAction(formData: FormData): Promise<void> {
  const actor = await requireActor("messages:use");
  const parsed = openThreadSchema.safeParse({ counterpartId: formData.get("counterpartId") });
  if (!parsed.success) redirect("/portal");
  const threadId = await orNotFound(runAs(actor, () => openThread(actor, parsed.data.counterpartId)));
  const base = actor.role === "DOCTOR" ? "/doctor/messages" : "/patient/messages";
  redirect(`${base}/${threadId}` as Route);
}
