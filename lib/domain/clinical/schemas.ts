// What the notes' forms may send: ids as UUIDs, SOAP sections and amendments with
// limits a long consultation note stays well inside.
import { z } from "zod";

const NOTE_SECTION_MAX = 20_000;
const section = (label: string) =>
  z
    .string()
    .max(NOTE_SECTION_MAX, {
      error: `${label} is longer than ${NOTE_SECTION_MAX.toLocaleString("en")} characters.`,
    })
    .default("");

export const noteContentSchema = z.object({
  subjective: section("Subjective"),
  objective: section("Objective"),
  assessment: section("Assessment"),
  plan: section("Plan"),
});

export const newNoteSchema = z.object({
  patientId: z.uuid(),
  appointmentId: z.union([z.uuid(), z.literal("")]).optional(),
});

export const noteIdSchema = z.object({ noteId: z.uuid() });

export const saveNoteSchema = noteIdSchema.extend(noteContentSchema.shape);

export const signNoteSchema = noteIdSchema.extend({
  reviewed: z.literal("on", {
    error: "Confirm that you have reviewed the note: a signed note cannot change.",
  }),
});

export const amendNoteSchema = noteIdSchema.extend({
  text: z
    .string()
    .trim()
    .min(3, { error: "Write the correction." })
    .max(NOTE_SECTION_MAX, { error: "The correction is too long." }),
});
