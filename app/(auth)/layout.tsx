import type { ReactNode } from "react";
import { PublicCard } from "@/components/layout/public-card";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return <PublicCard>{children}</PublicCard>;
}
