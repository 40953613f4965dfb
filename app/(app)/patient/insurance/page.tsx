import type { Metadata } from "next";
import { InsuranceSection } from "@/components/insurance/insurance-section";
import { requireActor } from "@/lib/auth/current";

export const metadata: Metadata = { title: "Insurance" };

export default async function InsurancePage() {
  const actor = await requireActor("insurance:own");
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Insurance</h1>
      <InsuranceSection actor={actor} />
    </>
  );
}
