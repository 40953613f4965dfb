// The one place configuration is read. Every variable is validated at start-up
// (instrumentation.ts) with a message that names the variable and the fix.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { decodeKey, generateKeyId, generateKeyMaterial, parseKeyRing } from "@/lib/crypto/keyring";
import { keyMaterialWeakness, textSecretWeakness } from "@/lib/crypto/secret-strength";
import { trustedProxyHops } from "@/lib/security/forwarded";

/** Values shipped in .env.example and docs: never acceptable as a production secret. */
const PLACEHOLDER_PATTERN = /change[-_ ]?me|example|placeholder|secret123|^x+$|^0+$/i;

export interface SecretSpec {
  name: string;
  purpose: string;
  /** The command that prints a good value, quoted in every message about this secret. */
  howToGenerate: string;
  generate(): string;
  /** Returns a reason when the value is unusable, else null. */
  problem(value: string): string | null;
  /** The raw key material, to refuse one key serving two purposes. */
  material(value: string): Buffer[];
  /**
   * Only production requires it; elsewhere a missing value disables the one feature that needs it
   * (the backup key: `npm run backup` says so), and `npm run dev` still generates it.
   */
  requiredInProductionOnly?: boolean;
}

function checked(check: () => string | null): string | null {
  try {
    return check();
  } catch (error) {
    return (error as Error).message;
  }
}

/** Every secret the app needs; `npm run dev` generates the missing ones into .env.local. */
export const SECRET_SPECS: readonly SecretSpec[] = [
  {
    name: "AUTH_SECRET",
    purpose: "signs and seals session cookies",
    howToGenerate: "openssl rand -base64 48",
    generate: () => randomBytes(48).toString("base64url"),
    problem: (value) => (value.length < 32 ? "must be at least 32 characters" : textSecretWeakness(value)),
    // A copied key (base64) counts as that key.
    material: (value) => [
      Buffer.from(value, "utf8"),
      ...[decodeKeyQuietly(value)].filter((key) => key !== null),
    ],
  },
  {
    name: "PHI_ENCRYPTION_KEYS",
    purpose: "AES-256 key ring for PHI fields: id:base64key,… with the active key first",
    howToGenerate: "npm run keys:generate",
    generate: () => `${generateKeyId()}:${generateKeyMaterial()}`,
    problem: (value) =>
      checked(() => {
        const ring = parseKeyRing(value);
        const seen = new Map<string, string>();
        for (const [id, key] of ring.keys) {
          const weakness = keyMaterialWeakness(key);
          if (weakness) return `key ${id} ${weakness}`;
          const twin = seen.get(key.toString("base64"));
          if (twin) return `lists the same key twice (ids ${twin} and ${id}); every entry needs its own key`;
          seen.set(key.toString("base64"), id);
        }
        return null;
      }),
    material: parseKeyRingQuietly,
  },
  keySecret(
    "PHI_BLIND_INDEX_KEY",
    "HMAC key for blind indexes of encrypted fields (email, phone); base64, 32 bytes",
  ),
  keySecret(
    "AUDIT_MAC_KEY",
    "HMAC key of the audit trail: each row's MAC and the seal chain; base64, 32 bytes",
  ),
  keySecret(
    "AUDIT_CHECKPOINT_KEY",
    "Ed25519 seed that signs audit checkpoints kept outside the database; base64, 32 bytes",
  ),
  {
    // Its own key, never a field key: whoever holds the servers' field keys cannot open a stolen
    // backup, and a leaked backup key does not open the live database (lib/domain/backups).
    name: "BACKUP_ENCRYPTION_KEY",
    purpose:
      "AES-256 key that encrypts and authenticates backups (npm run backup); 32 bytes, base64 or hex; keep a copy off the servers",
    howToGenerate: "openssl rand -base64 32",
    generate: generateKeyMaterial,
    problem: (value) =>
      checked(() => {
        const weakness = keyMaterialWeakness(decodeBackupKey(value));
        return weakness ? `key ${weakness}` : null;
      }),
    material: (value) => {
      try {
        return [decodeBackupKey(value)];
      } catch {
        return [];
      }
    },
    requiredInProductionOnly: true,
  },
];

/** The backup key: 32 bytes as 64 hex digits (`openssl rand -hex 32`) or base64. */
export function decodeBackupKey(value: string): Buffer {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  return decodeKey(trimmed, "the key (32 bytes: base64, or 64 hex digits)");
}

/** A 32-byte key given as base64, generated with `openssl rand -base64 32`. */
function keySecret(name: string, purpose: string): SecretSpec {
  return {
    name,
    purpose,
    howToGenerate: "openssl rand -base64 32",
    generate: generateKeyMaterial,
    problem: (value) =>
      checked(() => {
        const weakness = keyMaterialWeakness(decodeKey(value, "the key"));
        return weakness ? `key ${weakness}` : null;
      }),
    material: (value) => {
      const key = decodeKeyQuietly(value);
      return key ? [key] : [];
    },
  };
}

function parseKeyRingQuietly(value: string): Buffer[] {
  try {
    return [...parseKeyRing(value).keys.values()];
  } catch {
    return [];
  }
}

function decodeKeyQuietly(value: string): Buffer | null {
  try {
    return decodeKey(value, "the key");
  } catch {
    return null;
  }
}

/** One key must not serve two purposes: a leak of one would then break both. */
function sharedMaterialProblems(raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const spec of SECRET_SPECS) {
    const value = raw[spec.name];
    if (!value) continue;
    for (const key of spec.material(value)) {
      const owner = owners.get(key.toString("base64"));
      if (owner && owner !== spec.name) {
        problems.push(
          `${spec.name} uses the same key as ${owner}; give each its own (${spec.name}: \`${spec.howToGenerate}\`)`,
        );
      }
      owners.set(key.toString("base64"), spec.name);
    }
  }
  return problems;
}

/** A comma-separated list of ICE server URLs of one family (stun: or turn:/turns:). */
function iceUrlList(family: "stun" | "turn") {
  const pattern = family === "stun" ? /^stuns?:[^\s,]+$/ : /^turns?:[^\s,]+$/;
  return z
    .string()
    .optional()
    .transform((value) =>
      (value ?? "")
        .split(",")
        .map((url) => url.trim())
        .filter(Boolean),
    )
    .refine((urls) => urls.every((url) => pattern.test(url)), {
      error: `must be ${family}: URLs separated by commas`,
    });
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z
    .string({ error: "is required: point it at PostgreSQL (postgresql://user:password@host:5432/haven)" })
    .regex(/^postgres(ql)?:\/\//, "must be a postgresql:// connection string"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /**
   * The longest one statement may run (PostgreSQL's statement_timeout, set on every connection of
   * the app's pool); the client also gives up on a reply that long overdue (a stalled network), so
   * a slow or unreachable database ends a request with a 503 instead of holding it. 0 turns the
   * bound off, outside production only.
   */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds, e.g. 15000" })
    .int()
    .min(0)
    .max(600_000, { error: "must be at most 600000 (10 minutes); a request must not wait that long" })
    .default(15_000),
  APP_URL: z
    .url({ error: "must be the public URL of the app, e.g. https://haven.example-clinic.org" })
    .default("http://localhost:3000"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  SESSION_IDLE_TIMEOUT_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(15),
  SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  SIGN_IN_LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  SIGN_IN_LOCKOUT_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|[1-9])$/, {
      error:
        'must be "false" (no reverse proxy), "true" (one proxy that appends to X-Forwarded-For) or the number of proxies in front (e.g. 2 for a CDN and a load balancer)',
    })
    .default("false")
    .transform(trustedProxyHops),
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    ),
  RATE_LIMIT_STORE: z.enum(["postgres", "memory"]).default("postgres"),
  SCHEDULING_MIN_NOTICE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  SCHEDULING_HORIZON_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  APPOINTMENT_HOLD_MINUTES: z.coerce.number().int().min(1).max(120).default(10),
  PATIENT_CANCEL_CUTOFF_HOURS: z.coerce.number().min(0).max(720).default(24),
  JOBS_IN_PROCESS: z
    .enum(["true", "false"], {
      error: 'must be "true" (run the job workers inside the web server) or "false"',
    })
    .default("false")
    .transform((value) => value === "true"),
  /** Printed on prescriptions and receipts. */
  CLINIC_NAME: z.string().trim().min(1).max(120).default("Haven Clinic"),
  CLINIC_ADDRESS: z.string().trim().max(300).optional(),
  /** Where uploaded documents' encrypted bytes go: a local directory, or an S3-compatible bucket. */
  DOCUMENT_STORAGE: z.enum(["local", "s3"], { error: 'must be "local" or "s3"' }).default("local"),
  DOCUMENTS_DIR: z.string().min(1).default(".data/documents"),
  S3_ENDPOINT: z.url({ error: "must be the S3-compatible endpoint URL" }).optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** A clamd to scan uploads with (TCP host and port, or a Unix socket); none: files are labelled "not scanned". */
  CLAMAV_HOST: z.string().min(1).optional(),
  CLAMAV_PORT: z.coerce.number().int().min(1).max(65_535).default(3310),
  CLAMAV_SOCKET: z.string().min(1).optional(),
  CLAMAV_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Stripe (Checkout Sessions): a secret or restricted key, and the webhook endpoint's signing secret. */
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/, {
      error: "must be a Stripe secret key (sk_live_…, sk_test_… or a restricted rk_… key)",
    })
    .optional(),
  STRIPE_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, { error: "must be the endpoint's signing secret (whsec_…)" })
    .optional(),
  /** Where the Stripe client sends requests (tests point it at a local fake API). */
  STRIPE_API_URL: z.url().default("https://api.stripe.com"),
  /** Razorpay (Orders + Checkout): key id and secret, and the webhook secret set in its dashboard. */
  RAZORPAY_KEY_ID: z
    .string()
    .regex(/^rzp_(test|live)_[A-Za-z0-9]{8,}$/, {
      error: "must be a Razorpay key id (rzp_live_… or rzp_test_…)",
    })
    .optional(),
  RAZORPAY_KEY_SECRET: z
    .string()
    .min(16, { error: "must be the key secret from the Razorpay dashboard" })
    .optional(),
  RAZORPAY_WEBHOOK_SECRET: z
    .string()
    .min(16, { error: "must be at least 16 characters (set the same value in the Razorpay dashboard)" })
    .optional(),
  RAZORPAY_API_URL: z.url().default("https://api.razorpay.com"),
  /** Fee currencies paid through Razorpay; every other currency goes to Stripe. */
  PAYMENTS_RAZORPAY_CURRENCIES: z
    .string()
    .default("INR")
    .transform((value) =>
      value
        .split(",")
        .map((code) => code.trim().toUpperCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Z]{3}$/, { error: "lists three-letter currency codes, e.g. INR" }))),
  /**
   * The local TEST MODE checkout (no money moves): "auto" uses it for every currency no real
   * provider is configured for, outside production; "true" also in production (for an end-to-end
   * test server only: every payment page says TEST MODE); "false" never.
   */
  PAYMENTS_TEST_MODE: z
    .enum(["auto", "true", "false"], { error: 'must be "auto", "true" or "false"' })
    .default("auto"),
  /** Refund policy: a patient who cancels this long before the visit gets everything back… */
  REFUND_FULL_BEFORE_HOURS: z.coerce.number().min(0).max(720).default(48),
  /** …later than that, this share (a doctor's cancellation is always refunded in full). */
  REFUND_LATE_PERCENT: z.coerce.number().int().min(0).max(100).default(50),
  /**
   * Realtime (messaging): "auto" uses Pusher when its four settings are present, else the built-in
   * Server-Sent Events; "builtin" or "pusher" force one.
   */
  REALTIME_TRANSPORT: z
    .enum(["auto", "builtin", "pusher"], { error: 'must be "auto", "builtin" or "pusher"' })
    .default("auto"),
  /**
   * How the built-in transport's instances reach each other: PostgreSQL LISTEN/NOTIFY ("postgres",
   * several instances on one database), or an in-process bus ("memory": one instance; the embedded
   * development database, whose NOTIFY reaches no other connection).
   */
  REALTIME_BUS: z
    .enum(["postgres", "memory"], { error: 'must be "postgres" or "memory"' })
    .default("postgres"),
  /**
   * The connection the "postgres" bus LISTENs on, when DATABASE_URL goes through a pooler in
   * transaction mode (PgBouncer), which cannot hold a LISTEN: PostgreSQL itself.
   */
  REALTIME_LISTEN_URL: z.url({ error: "must be a postgresql:// URL" }).optional(),
  /** Open event streams per user (tabs and devices), across instances. */
  REALTIME_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(50).default(5),
  REALTIME_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(60).default(15),
  /** How long events stay replayable after a reconnect. */
  REALTIME_EVENT_RETENTION_HOURS: z.coerce.number().int().min(1).max(720).default(48),
  /** Pusher Channels: app id, key, secret and cluster (all four, or none). */
  PUSHER_APP_ID: z
    .string()
    .regex(/^[0-9]+$/, { error: "must be the numeric Pusher app id" })
    .optional(),
  PUSHER_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]{8,}$/, { error: "must be the Pusher app key" })
    .optional(),
  PUSHER_SECRET: z.string().min(16, { error: "must be the Pusher app secret" }).optional(),
  PUSHER_CLUSTER: z
    .string()
    .regex(/^[a-z0-9-]+$/, { error: "must be a Pusher cluster such as eu or ap2" })
    .optional(),
  /** A Pusher-compatible server of your own (host and port), instead of Pusher's cloud. */
  PUSHER_HOST: z.string().min(1).optional(),
  PUSHER_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  PUSHER_USE_TLS: z
    .enum(["true", "false"], { error: 'must be "true" or "false"' })
    .default("true")
    .transform((value) => value === "true"),
  /** Agora (video visits), when configured: the project's App ID and its primary certificate. */
  AGORA_APP_ID: z
    .string()
    .regex(/^[0-9a-f]{32}$/, { error: "must be the 32-character Agora App ID" })
    .optional(),
  AGORA_APP_CERTIFICATE: z
    .string()
    .regex(/^[0-9a-f]{32}$/, { error: "must be the 32-character Agora App Certificate" })
    .optional(),
  /** How long a video token lasts before the page renews it (never past the visit's window). */
  VIDEO_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3_600).default(600),
  /**
   * Built-in video: STUN and TURN servers, comma-separated (stun:host:3478, turn:host:3478?transport=udp,
   * turns:host:5349). None by default: two browsers on one network connect directly; across networks a
   * clinic runs its own (coturn) so that no third party sees the call.
   */
  VIDEO_STUN_URLS: iceUrlList("stun"),
  VIDEO_TURN_URLS: iceUrlList("turn"),
  /** coturn's static-auth-secret (use-auth-secret): each join gets a TURN credential that expires. */
  VIDEO_TURN_SECRET: z.string().min(16, { error: "must be at least 16 characters" }).optional(),
  VIDEO_TURN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .max(86_400)
    .default(4 * 3_600),
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().positive().max(86_400).default(60),
  AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(250),
  AUDIT_SEAL_BOUND_SECONDS: z.coerce.number().positive().max(3_600).default(2),
  /**
   * Sentry (errors only, scrubbed of PHI and of what requests carried): on only when set. Without
   * it the SDK is never initialised. A local or self-hosted Sentry works the same.
   */
  SENTRY_DSN: z.url({ error: "must be a Sentry DSN (https://<key>@<host>/<project>)" }).optional(),
  SENTRY_ENVIRONMENT: z.string().max(64).optional(),
  /**
   * The security monitor (lib/domain/security/monitor.ts): how often it reads the sealed audit
   * stream, and its rules' thresholds. Working hours are local times in SECURITY_TIME_ZONE; staff
   * reading records outside them raises an "after hours" alert.
   */
  SECURITY_MONITOR_INTERVAL_MS: z.coerce.number().int().min(200).max(300_000).default(5_000),
  SECURITY_FAILED_SIGN_INS: z.coerce.number().int().min(2).max(1_000).default(10),
  SECURITY_FAILED_SIGN_IN_MINUTES: z.coerce.number().int().min(1).max(1_440).default(15),
  SECURITY_CHART_READ_BURST: z.coerce.number().int().min(2).max(10_000).default(20),
  SECURITY_CHART_READ_MINUTES: z.coerce.number().int().min(1).max(1_440).default(10),
  SECURITY_BULK_EXPORT_ROWS: z.coerce.number().int().min(1).default(1_000),
  SECURITY_EXPORTS_PER_HOUR: z.coerce.number().int().min(1).max(1_000).default(5),
  SECURITY_WORK_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, { error: "must look like 07:00-19:00" })
    .default("07:00-20:00"),
  SECURITY_TIME_ZONE: z
    .string()
    .refine((zone) => Intl.supportedValuesOf("timeZone").includes(zone) || zone === "UTC", {
      error: "must be an IANA time zone, such as Europe/Berlin",
    })
    .default("UTC"),
  /**
   * Patient rights and the data lifecycle (lib/domain/patient-rights, lib/domain/retention).
   * Erasure keeps the clinical record the law requires (notes, prescriptions, visits, messages,
   * staff-uploaded documents) re-encrypted under a new key and tied only to a pseudonymous id
   * ("retain"), or replaces its text with a marker ("redact"). The erasure ledger is a directory
   * outside the database (and its backups): every restore re-applies the erasures it lists.
   */
  ERASURE_CLINICAL_RECORDS: z.enum(["retain", "redact"]).default("retain"),
  ERASURE_LEDGER_DIR: z.string().min(1).optional(),
  /** Days a request under the patient's rights may take (GDPR art. 12(3): one month). */
  DATA_REQUEST_DEADLINE_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  /**
   * How long each kind of data is kept, in days from its creation, and when the retention job runs
   * (a cron expression, UTC, run by the job queue). Audit logs are kept at least six years (HIPAA
   * 164.316(b)(2)); clinical records usually far longer (set by the clinic's jurisdiction).
   */
  RETENTION_MESSAGES_DAYS: z.coerce.number().int().min(30).default(3_653),
  RETENTION_DOCUMENTS_DAYS: z.coerce.number().int().min(30).default(3_653),
  RETENTION_AUDIT_LOG_DAYS: z.coerce
    .number()
    .int()
    .min(2_192, { error: "must be at least 2192 (six years: HIPAA 164.316(b)(2))" })
    .default(2_192),
  RETENTION_SCHEDULE: z.string().min(9).default("17 3 * * *"),
  /**
   * Insurance eligibility (lib/domain/insurance). The payer adapter: "sandbox" answers from the
   * documented test member ids (default outside production), "off" hides the feature (default in
   * production until a clinic connects a clearinghouse or FHIR payer adapter).
   */
  INSURANCE_PAYER_ADAPTER: z.enum(["sandbox", "off"]).optional(),
  /** How long a verification session's key pair lives (the seeds' SESSION_TIMEOUT_MINUTES). */
  INSURANCE_SESSION_TTL_MINUTES: z.coerce.number().int().min(5).max(120).default(30),
  /** Live verification sessions one client address may hold (the seeds' MAX_SESSIONS_PER_IP). */
  INSURANCE_MAX_SESSIONS_PER_IP: z.coerce.number().int().min(1).max(50).default(5),
  /** How old (or how far ahead of the server's clock) an encrypted payload may be. */
  INSURANCE_PAYLOAD_MAX_AGE_SECONDS: z.coerce.number().int().min(30).max(900).default(300),
  /** How long the payer has to answer before the patient is told to try again. */
  INSURANCE_PAYER_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(8_000),
  /** The clinic's National Provider Identifier, sent to payers as the information receiver. */
  INSURANCE_PROVIDER_NPI: z
    .string()
    .regex(/^\d{10}$/, { error: "must be the clinic's 10-digit NPI" })
    .default("1234567893"),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Haven <no-reply@localhost>"),
  AUTH_SECRET: z.string().optional(),
  /**
   * The AUTH_SECRET being retired, during a rotation: session cookies made with it are still read
   * (for at most SESSION_MAX_AGE_HOURS) while every new one is made with AUTH_SECRET.
   */
  AUTH_SECRET_PREVIOUS: z.string().optional(),
  PHI_ENCRYPTION_KEYS: z.string().optional(),
  PHI_BLIND_INDEX_KEY: z.string().optional(),
  AUDIT_MAC_KEY: z.string().optional(),
  AUDIT_CHECKPOINT_KEY: z.string().optional(),
  BACKUP_ENCRYPTION_KEY: z.string().optional(),
  /**
   * Backups (npm run backup, lib/domain/backups): where they go, how many are kept, when the job
   * runs (cron, UTC; "off" disables it) and when the weekly restore drill runs.
   */
  BACKUP_STORAGE: z
    .enum(["local", "s3"], { error: 'must be "local" (the folder BACKUP_DIR) or "s3" (a bucket)' })
    .default("local"),
  BACKUP_DIR: z.string().min(1).default(".data/backups"),
  /** BACKUP_STORAGE=s3: a bucket of its own (not the documents' one), ideally in another account. */
  BACKUP_S3_ENDPOINT: z.url({ error: "must be the S3-compatible endpoint URL" }).optional(),
  BACKUP_S3_REGION: z.string().min(1).default("us-east-1"),
  BACKUP_S3_BUCKET: z.string().min(1).optional(),
  BACKUP_S3_PREFIX: z
    .string()
    .regex(/^(?:[A-Za-z0-9._-]+\/)*$/, {
      error: 'must be empty or folder names ending in "/" (e.g. "haven/backups/")',
    })
    .default("backups/"),
  BACKUP_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  BACKUP_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  BACKUP_KEEP_DAILY: z.coerce.number().int().min(1).max(366).default(7),
  BACKUP_KEEP_WEEKLY: z.coerce.number().int().min(0).max(520).default(4),
  BACKUP_KEEP_MONTHLY: z.coerce.number().int().min(0).max(1_200).default(12),
  BACKUP_SCHEDULE: z
    .string()
    .refine((value) => value === "off" || value.trim().split(/\s+/).length === 5, {
      error: 'must be a five-field cron expression (e.g. "30 2 * * *") or "off"',
    })
    .default("30 2 * * *"),
  BACKUP_DRILL_SCHEDULE: z
    .string()
    .refine((value) => value === "off" || value.trim().split(/\s+/).length === 5, {
      error: 'must be a five-field cron expression (e.g. "30 4 * * 0") or "off"',
    })
    .default("30 4 * * 0"),
});

type SecretName =
  "AUTH_SECRET" | "PHI_ENCRYPTION_KEYS" | "PHI_BLIND_INDEX_KEY" | "AUDIT_MAC_KEY" | "AUDIT_CHECKPOINT_KEY";
// BACKUP_ENCRYPTION_KEY stays optional in the type: only production requires it.
export type Env = Omit<
  z.infer<typeof envSchema>,
  SecretName | "AUDIT_CHECKPOINT_DIR" | "ERASURE_LEDGER_DIR"
> &
  Record<SecretName, string> & { AUDIT_CHECKPOINT_DIR: string; ERASURE_LEDGER_DIR: string };

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

function describeIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.join(".") || "(root)"} ${issue.message}`);
}

/** Validates a raw environment; throws one ConfigurationError listing every problem. */
export function parseEnv(raw: NodeJS.ProcessEnv | Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(raw);
  const problems = result.success ? [] : describeIssues(result.error.issues);
  const isProduction = (raw.NODE_ENV ?? "development") === "production";
  if (raw.DOCUMENT_STORAGE === "s3") {
    for (const name of ["S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
      if (!raw[name])
        problems.push(`${name} is missing: DOCUMENT_STORAGE=s3 stores documents in that bucket`);
    }
  }
  if (raw.BACKUP_STORAGE === "s3") {
    for (const name of [
      "BACKUP_S3_ENDPOINT",
      "BACKUP_S3_BUCKET",
      "BACKUP_S3_ACCESS_KEY_ID",
      "BACKUP_S3_SECRET_ACCESS_KEY",
    ] as const) {
      if (!raw[name]) problems.push(`${name} is missing: BACKUP_STORAGE=s3 keeps the backups in that bucket`);
    }
  }

  problems.push(...providerProblems(raw, isProduction));

  for (const spec of SECRET_SPECS) {
    const value = raw[spec.name];
    if (!value && spec.requiredInProductionOnly && !isProduction) continue;
    if (!value) {
      problems.push(
        isProduction
          ? `${spec.name} is missing (${spec.purpose}); generate one with \`${spec.howToGenerate}\``
          : `${spec.name} is missing (${spec.purpose}); \`npm run dev\` generates it into .env.local`,
      );
      continue;
    }
    const problem = spec.problem(value);
    if (problem) problems.push(`${spec.name} ${problem}; generate one with \`${spec.howToGenerate}\``);
    else if (isProduction && PLACEHOLDER_PATTERN.test(value)) {
      problems.push(
        `${spec.name} is a placeholder value; production needs a real random secret: \`${spec.howToGenerate}\``,
      );
    }
  }
  problems.push(...sharedMaterialProblems(raw));
  if (raw.AUTH_SECRET_PREVIOUS) {
    const retired = raw.AUTH_SECRET_PREVIOUS;
    const weakness = SECRET_SPECS.find((spec) => spec.name === "AUTH_SECRET")!.problem(retired);
    if (weakness) problems.push(`AUTH_SECRET_PREVIOUS ${weakness}`);
    if (retired === raw.AUTH_SECRET) {
      problems.push(
        "AUTH_SECRET_PREVIOUS is the same as AUTH_SECRET: during a rotation it holds the secret being retired, AUTH_SECRET the new one",
      );
    }
  }

  if (isProduction && !raw.AUDIT_CHECKPOINT_DIR) {
    problems.push(
      "AUDIT_CHECKPOINT_DIR is missing: production writes signed audit checkpoints to a directory outside the database (e.g. /var/lib/haven/audit-checkpoints, on a volume that is backed up)",
    );
  }
  if (isProduction && !raw.ERASURE_LEDGER_DIR) {
    problems.push(
      "ERASURE_LEDGER_DIR is missing: production records erasures in a directory outside the database and its backups (e.g. /var/lib/haven/erasure-ledger), so a restored backup cannot bring erased data back",
    );
  }
  if (isProduction && result.success && result.data.DATABASE_STATEMENT_TIMEOUT_MS === 0) {
    problems.push(
      "DATABASE_STATEMENT_TIMEOUT_MS is 0 (no bound): production bounds every statement so a slow database ends requests with a 503 instead of holding them; leave it unset (15000) or give a positive number of milliseconds",
    );
  }
  // In-process stores are for the embedded development database (one process, by construction):
  // in production each instance would keep its own rate limits and miss the others' realtime events.
  if (isProduction && raw.RATE_LIMIT_STORE === "memory") {
    problems.push(
      'RATE_LIMIT_STORE=memory is for the embedded development database: production keeps rate limits in PostgreSQL so every instance, and a restarted one, counts the same attempts; remove it or set "postgres"',
    );
  }
  if (isProduction && raw.REALTIME_BUS === "memory") {
    problems.push(
      'REALTIME_BUS=memory is for the embedded development database: production fans realtime events out through PostgreSQL so a message reaches people connected to any instance; remove it or set "postgres"',
    );
  }
  if (isProduction && !raw.SMTP_URL) {
    problems.push(
      "SMTP_URL is missing: production sends verification and reset emails over SMTP (smtp://user:pass@host:587)",
    );
  }

  if (!result.success || problems.length > 0) {
    throw new ConfigurationError(
      `Haven cannot start: invalid configuration.\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every variable.`,
    );
  }
  // Development and tests keep checkpoints beside the embedded database.
  return {
    ...result.data,
    AUDIT_CHECKPOINT_DIR: result.data.AUDIT_CHECKPOINT_DIR ?? ".data/audit-checkpoints",
    ERASURE_LEDGER_DIR: result.data.ERASURE_LEDGER_DIR ?? ".data/erasure-ledger",
  } as Env;
}

/** A provider (payments, realtime) is configured whole or not at all; production takes no test keys. */
function providerProblems(raw: Record<string, string | undefined>, isProduction: boolean): string[] {
  const problems: string[] = [];
  const groups = [
    { provider: "Stripe", names: ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] },
    { provider: "Razorpay", names: ["RAZORPAY_KEY_ID", "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET"] },
    { provider: "Pusher", names: ["PUSHER_APP_ID", "PUSHER_KEY", "PUSHER_SECRET", "PUSHER_CLUSTER"] },
    { provider: "Agora", names: ["AGORA_APP_ID", "AGORA_APP_CERTIFICATE"] },
  ] as const;
  for (const { provider, names } of groups) {
    const present = names.filter((name) => raw[name]);
    if (present.length > 0 && present.length < names.length) {
      for (const name of names.filter((candidate) => !raw[candidate])) {
        problems.push(`${name} is missing: ${provider} needs ${names.join(", ")} together`);
      }
    }
  }
  if (raw.VIDEO_TURN_URLS && !raw.VIDEO_TURN_SECRET) {
    problems.push("VIDEO_TURN_SECRET is missing: TURN servers (VIDEO_TURN_URLS) need their shared secret");
  }
  if (raw.REALTIME_TRANSPORT === "pusher" && !raw.PUSHER_APP_ID) {
    problems.push(
      "REALTIME_TRANSPORT is pusher, but PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET and PUSHER_CLUSTER are not set",
    );
  }
  if (isProduction) {
    if (raw.STRIPE_SECRET_KEY?.match(/^(sk|rk)_test_/)) {
      problems.push("STRIPE_SECRET_KEY is a test key; production takes a live key (sk_live_…)");
    }
    if (raw.RAZORPAY_KEY_ID?.startsWith("rzp_test_")) {
      problems.push("RAZORPAY_KEY_ID is a test key; production takes a live key (rzp_live_…)");
    }
  }
  return problems;
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}
