"use client";
// Haven's page for an error while rendering a page (Next's default one sets inline styles, which the
// CSP blocks). It sits inside the root layout, so it catches the portals' layouts too.
import { PageErrorNotice, errorDigest } from "@/components/layout/page-error";

export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  return <PageErrorNotice digest={errorDigest(error)} retry={retry} />;
}
