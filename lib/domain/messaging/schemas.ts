// Messaging: the limits, the messages people see and the DTOs the UI receives.
// No server imports: the composer in the browser uses the same limits and wording.
import { z } from "zod";

export const MAX_MESSAGE_LENGTH = 4000;

/** Each portal's messages pages (admins have none). */
export const MESSAGES_PATH = { PATIENT: "/patient/messages", DOCTOR: "/doctor/messages" } as const;
export type MessagesPath = (typeof MESSAGES_PATH)[keyof typeof MESSAGES_PATH];
/** A sender may retract a message for this long after sending it. */
export const RETRACT_WINDOW_MS = 5 * 60 * 1000;
/** Messages per page of a thread (newest first from the server, shown oldest first). */
export const THREAD_PAGE_SIZE = 50;

export const MESSAGING_MESSAGES = {
  empty: "Write a message or attach a file.",
  tooLong: (length: number) =>
    `A message can be at most ${MAX_MESSAGE_LENGTH.toLocaleString("en")} characters; this one is ${length.toLocaleString("en")}.`,
  retractWindow: "A message can be retracted only in the first 5 minutes after it was sent.",
  retractOwn: "Only the sender can retract a message.",
  alreadyRetracted: "This message was already retracted.",
  attachment: "That file cannot be attached here. Upload it again from this conversation.",
  attachmentPending: "That file is waiting for the malware scan. Send it once the scan is done.",
} as const;

/** Why a message sent without JavaScript was refused (the thread page explains it). */
export const SEND_FAILURES = {
  empty: "Your message was not sent: it was empty.",
  "too-long": `Your message was not sent: a message can be at most ${MAX_MESSAGE_LENGTH.toLocaleString("en")} characters.`,
  "rate-limited":
    "Your message was not sent: you have sent many messages in a short time. Wait a few minutes.",
  "no-consent":
    "Your message was not sent: the patient's consent to secure messaging is not in force (see the note above the message box).",
} as const;
export type SendFailure = keyof typeof SEND_FAILURES;

/** The explanation for a `?unsent=` code on the thread page, or null for none (or a made-up one). */
export const sendFailureMessage = (code: unknown): string | null =>
  typeof code === "string" && Object.hasOwn(SEND_FAILURES, code) ? SEND_FAILURES[code as SendFailure] : null;

export const sendMessageSchema = z
  .object({
    /** The browser generates the message id, so a retried send is the same message (idempotent). */
    id: z.uuid({ error: "The message id must be a UUID." }),
    body: z
      .string()
      .transform((text) => text.replace(/\r\n?/g, "\n").trim())
      .optional()
      .default(""),
    documentId: z.uuid().nullish(),
  })
  .superRefine((value, context) => {
    if (value.body.length > MAX_MESSAGE_LENGTH) {
      context.addIssue({
        code: "custom",
        path: ["body"],
        message: MESSAGING_MESSAGES.tooLong(value.body.length),
      });
    }
    if (value.body.length === 0 && !value.documentId) {
      context.addIssue({ code: "custom", path: ["body"], message: MESSAGING_MESSAGES.empty });
    }
  });
export type SendMessageInput = z.input<typeof sendMessageSchema>;

export const markReadSchema = z.object({ upTo: z.uuid() });
export const openThreadSchema = z.object({ counterpartId: z.uuid() });
export const threadPageSchema = z.object({
  before: z.uuid().optional(),
  after: z.uuid().optional(),
});

export interface Counterpart {
  id: string;
  name: string;
  role: "PATIENT" | "DOCTOR";
}

/** One line of the inbox. */
export interface ThreadSummary {
  id: string;
  counterpart: Counterpart;
  lastMessageAt: string | null;
  unread: number;
}

export interface Inbox {
  threads: ThreadSummary[];
  unreadTotal: number;
}

/** Someone the actor may message (a shared, confirmed visit), with the thread if one exists. */
export interface MessagingPartner {
  counterpart: Counterpart;
  threadId: string | null;
}

export interface AttachmentView {
  id: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  /** False while the malware scan is pending. */
  downloadable: boolean;
}

export interface MessageView {
  id: string;
  threadId: string;
  senderId: string;
  mine: boolean;
  /** null once retracted (and for a message that is only an attachment: ""). */
  body: string | null;
  attachment: AttachmentView | null;
  createdAt: string;
  /** When the recipient read it. */
  readAt: string | null;
  retractedAt: string | null;
  /** Until when the sender may retract it (null: not the sender's, or retracted). */
  retractableUntil: string | null;
}

export interface ThreadView {
  id: string;
  /** The actor's own user id. */
  meId: string;
  counterpart: Counterpart & { online: boolean };
  /** Oldest first. */
  messages: MessageView[];
  /** More messages exist before the first one here. */
  hasEarlier: boolean;
}
