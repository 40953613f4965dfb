import { z } from "zod";
import { PASSWORD_MAX_LENGTH } from "@/lib/auth/password";

export const emailSchema = z
  .string({ error: "Enter your email address." })
  .trim()
  .min(3, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com." }));

const passwordInput = z
  .string({ error: "Enter a password." })
  .min(1, "Enter a password.")
  .max(PASSWORD_MAX_LENGTH);

export const signInSchema = z.object({ email: emailSchema, password: passwordInput });
export const codeSchema = z.object({
  code: z
    .string({ error: "Enter the code." })
    .trim()
    .min(6, "Enter the 6-digit code or a recovery code.")
    .max(20),
});

const isoDate = z
  .string({ error: "Enter your date of birth." })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter your date of birth as YYYY-MM-DD.")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, "That date does not exist.")
  .refine(
    (value) => value >= "1900-01-01" && new Date(`${value}T00:00:00Z`) <= new Date(),
    "Enter a date of birth in the past.",
  );

export const signUpSchema = z.object({
  fullName: z.string({ error: "Enter your full name." }).trim().min(2, "Enter your full name.").max(200),
  email: emailSchema,
  dateOfBirth: isoDate,
  password: passwordInput,
  acceptTelehealth: z.literal("on", { error: "You need to accept the telehealth consent to use Haven." }),
  acceptPrivacy: z.literal("on", { error: "You need to accept the privacy notice to use Haven." }),
  /** Optional: an unticked box is absent from the form. */
  acceptMessaging: z
    .literal("on", { error: "Tick the secure messaging box, or leave it empty." })
    .optional()
    .transform((value) => value === "on"),
  /** The browser's zone, filled in by the form's script; absent without JavaScript (then UTC). */
  timeZone: z.string().max(64).optional(),
});

export const invitationSchema = z.object({
  email: emailSchema,
  displayName: z
    .string({ error: "Enter the doctor's name." })
    .trim()
    .min(2, "Enter the doctor's name.")
    .max(120),
  specialty: z.string({ error: "Enter a specialty." }).trim().min(2, "Enter a specialty.").max(120),
});

export const newPasswordSchema = z.object({ token: z.string().min(10).max(100), password: passwordInput });
export const resetPasswordSchema = newPasswordSchema.extend({ code: z.string().trim().max(20).optional() });
const currentPassword = z
  .string({ error: "Enter your current password." })
  .min(1, "Enter your current password.")
  .max(PASSWORD_MAX_LENGTH);

export const changePasswordSchema = z.object({ currentPassword, newPassword: passwordInput });
export const currentPasswordSchema = z.object({ currentPassword });
export const confirmMfaSchema = codeSchema.extend({ currentPassword });
export const forgotPasswordSchema = z.object({ email: emailSchema });

/** An account chosen on an admin page (a hidden field: callers answer "no such account" when it fails). */
export const accountIdSchema = z.object({ userId: z.uuid() });

export const timeZoneSchema = z.object({
  timeZone: z.string({ error: "Choose a time zone." }).trim().min(1, "Choose a time zone.").max(64),
});

// ---------------------------------------------------------------------------
// Admin user management (lib/domain/accounts/admin-users.ts).

export const MFA_RESET_REASON_MESSAGE =
  "Say why you reset the second factor, in 10 to 500 characters (the account's situation, no patient data).";

/** Resetting someone's second factor: the account and why (kept in mfa_resets). */
export const mfaResetSchema = accountIdSchema.extend({
  reason: z
    .string({ error: MFA_RESET_REASON_MESSAGE })
    .trim()
    .min(10, MFA_RESET_REASON_MESSAGE)
    .max(500, MFA_RESET_REASON_MESSAGE),
});

/** Ending one session of an account. */
export const accountSessionSchema = accountIdSchema.extend({ sessionId: z.uuid() });

/** The admin's patient lookup: an exact email, posted (never in a URL). */
export const patientLookupSchema = z.object({ email: emailSchema });
