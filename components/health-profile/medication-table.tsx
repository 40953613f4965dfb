import type { ReactNode } from "react";
import { formatIsoDate } from "@/lib/domain/health-profile/dates";
import type { MedicationView } from "@/lib/domain/health-profile/schemas";

const dateOrUnknown = (value: string | null) => (value ? formatIsoDate(value) : "Not recorded");

/**
 * Current medications (name, dosage, since) or past ones (with from and until),
 * with an optional actions column (the patient's own page).
 */
export function MedicationTable({
  medications,
  kind,
  caption,
  actions,
}: {
  medications: readonly MedicationView[];
  kind: "current" | "past";
  caption: string;
  actions?: (medication: MedicationView) => ReactNode;
}) {
  const heading = "py-1 pr-3 font-medium";
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-slate-600">
        <tr>
          <th scope="col" className={heading}>
            Medicine
          </th>
          <th scope="col" className={heading}>
            Dosage
          </th>
          <th scope="col" className={heading}>
            {kind === "current" ? "Since" : "From"}
          </th>
          {kind === "past" ? (
            <th scope="col" className={heading}>
              Until
            </th>
          ) : null}
          {actions ? (
            <th scope="col" className={heading}>
              <span className="sr-only">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {medications.map((medication) => (
          <tr key={medication.id} className="align-top">
            <th scope="row" className="py-2 pr-3 font-semibold text-slate-900">
              {medication.name}
            </th>
            <td className="py-2 pr-3">{medication.dosage}</td>
            <td className="py-2 pr-3 whitespace-nowrap">{dateOrUnknown(medication.startedOn)}</td>
            {kind === "past" ? (
              <td className="py-2 pr-3 whitespace-nowrap">{dateOrUnknown(medication.stoppedOn)}</td>
            ) : null}
            {actions ? <td className="py-2">{actions(medication)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
