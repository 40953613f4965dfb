import type { Metadata } from "next";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { getDb } from "@/lib/db/client";

export const metadata: Metadata = { title: "My practice" };

export default async function DoctorHome() {
  const actor = await requireActor("portal:doctor");
  const profile = await runAs(actor, () =>
    getDb().doctorProfile.findUnique({
      where: { userId: actor.userId },
      select: { displayName: true, specialty: true },
    }),
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">{profile?.displayName ?? "Doctor"}</h1>
      <Card title="Your practice">
        <p className="text-sm text-slate-700">Specialty: {profile?.specialty ?? "not set"}</p>
      </Card>
    </>
  );
}
