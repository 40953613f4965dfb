"use server";
// Server actions of messaging (forms that work without JavaScript too).
import { randomUUID } from "node:crypto";
import type { Route } from "next";
import { redirect } from "next/navigation";
import { z } from "zod";
import { requireActor, runAs } from "@/lib/auth/current";
import { AppError, isZodError } from "@/lib/http/errors";
import { orNotFound } from "@/lib/http/not-found";
import { openThread } from "./open-thread";
import { MAX_MESSAGE_LENGTH, MESSAGES_PATH, type SendFailure, openThreadSchema } from "./schemas";
import { sendMessage } from "./send-message";

const messagesPathOf = (actor: { role: string }) =>
  actor.role === "DOCTOR" ? MESSAGES_PATH.DOCTOR : MESSAGES_PATH.PATIENT;

/** "Message Dr X" / "Message this patient": opens (or finds) the pair's thread and goes there. */
export async function openThreadAction(formData: FormData): Promise<void> {
  const actor = await requireActor("messages:use");
  const parsed = openThreadSchema.safeParse({ counterpartId: formData.get("counterpartId") });
  if (!parsed.success) redirect("/portal");
  const threadId = await orNotFound(runAs(actor, () => openThread(actor, parsed.data.counterpartId)));
  redirect(`${messagesPathOf(actor)}/${threadId}` as Route);
}

/**
 * The composer without JavaScript (the page normally sends through the API): sends the
 * text and comes back to the thread; a refusal comes back as a code the page explains.
 */
export async function sendMessageFormAction(formData: FormData): Promise<void> {
  const actor = await requireActor("messages:use");
  const threadId = z.uuid().safeParse(formData.get("threadId"));
  if (!threadId.success) redirect("/portal");
  const raw = formData.get("body");
  const body = typeof raw === "string" ? raw : "";
  let failure: SendFailure | null = null;
  try {
    await orNotFound(runAs(actor, () => sendMessage(actor, threadId.data, { id: randomUUID(), body })));
  } catch (error) {
    if (isZodError(error)) failure = body.trim().length > MAX_MESSAGE_LENGTH ? "too-long" : "empty";
    else if (AppError.is(error) && error.code === "RATE_LIMITED") failure = "rate-limited";
    else if (AppError.is(error) && error.code === "FORBIDDEN") failure = "no-consent";
    else throw error;
  }
  redirect(`${messagesPathOf(actor)}/${threadId.data}${failure ? `?unsent=${failure}` : ""}` as Route);
}
