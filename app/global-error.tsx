"use client";
// The root layout itself failed: this replaces it, so it brings its own document and styles.
import { PageErrorNotice, errorDigest } from "@/components/layout/page-error";
import "./globals.css";

export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-white font-sans text-slate-900 antialiased">
        <title>This page could not be shown · Haven</title>
        <PageErrorNotice digest={errorDigest(error)} retry={retry} />
      </body>
    </html>
  );
}
