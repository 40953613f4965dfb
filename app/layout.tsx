import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Haven", template: "%s · Haven" },
  description:
    "Self-hosted telehealth for clinics: booking, visits, prescriptions and records, with patient data encrypted and every access audited.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Reading the request makes every page render per request, so each one carries
  // the CSP nonce the proxy issued (a prerendered page would have none and its
  // scripts would be blocked).
  await headers();
  return (
    <html lang="en">
      <body className="min-h-screen bg-white font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}
