import Link from "next/link";
import type { ReactNode } from "react";

/** The signed-out pages' frame: the name, then one card (sign-in forms, the prescription check). */
export function PublicCard({ width = "md", children }: { width?: "md" | "lg"; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-start justify-center bg-brand-50 px-4 py-16">
      <div className={`w-full space-y-6 ${width === "lg" ? "max-w-lg" : "max-w-md"}`}>
        <Link
          href="/"
          className="block text-center text-sm font-semibold tracking-wide text-brand-700 uppercase"
        >
          Haven
        </Link>
        <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-8 shadow-sm">{children}</div>
      </div>
    </main>
  );
}
