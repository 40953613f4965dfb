import type { ReactNode } from "react";
import { PublicCard } from "@/components/layout/public-card";

/** The public prescription check: nobody signs in here. */
export default function VerifyLayout({ children }: { children: ReactNode }) {
  return <PublicCard width="lg">{children}</PublicCard>;
}
