import type { Metadata, Route } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { STATUS_LABEL } from "@/lib/domain/accounts/labels";
import { listDoctors } from "@/lib/domain/accounts/service";
import { deactivateUserAction, inviteDoctorAction } from "./actions";

export const metadata: Metadata = { title: "Clinic admin" };

export default async function AdminHome() {
  const actor = await requireActor("portal:admin");
  const doctors = await runAs(actor, () => listDoctors());
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Clinic admin</h1>
      <p className="text-sm text-slate-700">
        Every staff account, its sessions and second factor, and the patient lookup are under{" "}
        <Link href="/admin/users" className="text-brand-700 underline">
          Users
        </Link>
        ; quarterly reviews of staff access under{" "}
        <Link href="/admin/access-reviews" className="text-brand-700 underline">
          Access reviews
        </Link>
        .
      </p>
      <div id="invite">
        <Card title="Invite a doctor">
          <ActionForm
            action={inviteDoctorAction}
            submitLabel="Send invitation"
            fields={[
              {
                name: "displayName",
                label: "Name as patients see it",
                hint: "For example: Dr. Amara Okafor",
              },
              { name: "specialty", label: "Specialty" },
              { name: "email", label: "Email", type: "email" },
            ]}
          />
        </Card>
      </div>
      <Card title="Doctors">
        <table className="w-full text-left text-sm">
          <thead className="text-slate-600">
            <tr>
              <th className="py-2">Name</th>
              <th>Specialty</th>
              <th>Email</th>
              <th>Status</th>
              <th>Two-step</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {doctors.map((doctor) => (
              <tr key={doctor.id} className="border-t border-slate-100">
                <td className="py-2">
                  <Link href={`/admin/users/${doctor.id}` as Route} className="text-brand-700 underline">
                    {doctor.doctorProfile?.displayName}
                  </Link>
                </td>
                <td>{doctor.doctorProfile?.specialty}</td>
                <td>{doctor.email}</td>
                <td>{STATUS_LABEL[doctor.status]}</td>
                <td>{doctor.mfaEnabledAt ? "On" : "Not yet"}</td>
                <td className="text-right">
                  {doctor.status !== "DEACTIVATED" ? (
                    <ActionForm
                      action={deactivateUserAction}
                      hidden={{ userId: doctor.id }}
                      fields={[]}
                      submitLabel="Deactivate"
                      variant="danger"
                      submitAccessibleName={`Deactivate ${doctor.doctorProfile?.displayName ?? "doctor"}`}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
