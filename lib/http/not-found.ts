// Pages: a service's refusal (an AppError NOT_FOUND, already audited) becomes
// Next's 404 page instead of an error page.
import { notFound } from "next/navigation";
import { AppError } from "./errors";

export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (AppError.is(error) && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}
