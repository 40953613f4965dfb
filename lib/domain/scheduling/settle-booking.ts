// What turns a held slot into a confirmed visit. Until payments exist, a hold
// is settled at once; the payments issue replaces this one function with
// "confirm when the payment provider says it is paid".
import "server-only";
import { confirmAppointment } from "./confirm-appointment";

export async function settleBooking(appointmentId: string): Promise<void> {
  await confirmAppointment(appointmentId);
}
