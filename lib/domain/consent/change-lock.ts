// Changes to one patient's consents wait for each other (two tabs pressing Agree at once add one
// grant, not two). NO KEY UPDATE: conflicts with itself, not with the key-share locks that rows
// referencing the user take.
import "server-only";
import { transactionClient } from "@/lib/db/client";

export async function lockConsentsOf(patientId: string): Promise<void> {
  await transactionClient().$queryRaw`SELECT 1 FROM users WHERE id = ${patientId}::uuid FOR NO KEY UPDATE`;
}
