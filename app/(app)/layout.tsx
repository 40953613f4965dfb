import Link from "next/link";
import type { ReactNode } from "react";
import { IdleWarning } from "@/components/layout/idle-warning";
import { QueryProvider } from "@/components/layout/query-provider";
import { SignOutButton } from "@/components/layout/sign-out-button";
import { UnreadBadge } from "@/components/messaging/unread-badge";
import { RealtimeProvider } from "@/components/realtime/realtime-provider";
import { PORTAL_OF } from "@/lib/authz/permissions";
import { requireActor, runAs } from "@/lib/auth/current";
import { unreadTotalOf } from "@/lib/domain/messaging/queries";
import { MESSAGES_PATH } from "@/lib/domain/messaging/schemas";
import { realtimeClientConfig } from "@/lib/realtime/config";
import { signOutAction } from "./actions";

const PORTAL_LABEL = { PATIENT: "My care", DOCTOR: "My practice", ADMIN: "Clinic admin" } as const;
const EXTRA_LINKS = {
  PATIENT: [
    { href: "/doctors", label: "Find a doctor" },
    { href: "/patient/health", label: "Health profile" },
    { href: "/patient/prescriptions", label: "Prescriptions" },
    { href: "/patient/documents", label: "Documents" },
    { href: "/patient/billing", label: "Billing" },
    { href: "/patient/insurance", label: "Insurance" },
    { href: "/patient/devices", label: "Devices" },
    { href: "/patient/emergency", label: "Emergency" },
    { href: "/patient/privacy", label: "Privacy & data" },
  ],
  DOCTOR: [
    { href: "/doctor/patients", label: "Patients" },
    { href: "/doctor/availability", label: "Availability" },
    { href: "/doctor/emergency-access", label: "Emergency access" },
    { href: "/doctor/corrections", label: "Corrections" },
  ],
  ADMIN: [
    { href: "/admin/users", label: "Users" },
    { href: "/admin/audit", label: "Audit log" },
    { href: "/admin/security", label: "Security" },
    { href: "/admin/access-reviews", label: "Access reviews" },
    { href: "/admin/requests", label: "Data requests" },
    { href: "/admin/retention", label: "Retention" },
    { href: "/admin/backups", label: "Backups" },
    { href: "/admin/bookings", label: "Bookings" },
    { href: "/admin/payments", label: "Payments" },
    { href: "/admin/revenue", label: "Revenue" },
    { href: "/admin/settings", label: "Settings" },
  ],
} as const;
/** Patients and doctors message each other; admins never read clinical content. */
const MESSAGES_LINK = { ...MESSAGES_PATH, ADMIN: null } as const;

export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  const messagesHref = MESSAGES_LINK[actor.role];
  // A count only (no names read): the badge on every page of the portals.
  // The stream's starting point is read first: anything after it reaches the page, even what
  // happens while the page's own data is read.
  const realtime = messagesHref ? await realtimeClientConfig(actor.userId) : null;
  const unread = messagesHref ? await runAs(actor, () => unreadTotalOf(actor)) : 0;
  const page = (
    <div className="min-h-screen bg-slate-50">
      <header className="border-b border-slate-200 bg-white">
        <nav
          className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-6 py-3"
          aria-label="Main"
        >
          <Link href={PORTAL_OF[actor.role]} className="font-semibold text-brand-700">
            Haven
          </Link>
          <Link href={PORTAL_OF[actor.role]} className="text-sm text-slate-700 hover:text-brand-700">
            {PORTAL_LABEL[actor.role]}
          </Link>
          {messagesHref ? (
            <Link href={messagesHref} className="text-sm text-slate-700 hover:text-brand-700">
              Messages
              <UnreadBadge initial={unread} />
            </Link>
          ) : null}
          {EXTRA_LINKS[actor.role].map((link) => (
            <Link key={link.href} href={link.href} className="text-sm text-slate-700 hover:text-brand-700">
              {link.label}
            </Link>
          ))}
          <Link href="/account" className="text-sm text-slate-700 hover:text-brand-700">
            Account
          </Link>
          <div className="ml-auto">
            <SignOutButton action={signOutAction} />
          </div>
        </nav>
      </header>
      <main className="mx-auto max-w-5xl space-y-6 px-6 py-8">{children}</main>
      <IdleWarning secondsLeft={Math.floor((actor.idleExpiresAt.getTime() - Date.now()) / 1000)} />
    </div>
  );
  return (
    <QueryProvider>
      {realtime ? (
        <RealtimeProvider config={realtime} userId={actor.userId}>
          {page}
        </RealtimeProvider>
      ) : (
        page
      )}
    </QueryProvider>
  );
}
