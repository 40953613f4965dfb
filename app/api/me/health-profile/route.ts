import { requireApiActor, runAs } from "@/lib/auth/current";
import { ownHealthProfile, plainOwnHealthProfileForBenchmark } from "@/lib/domain/health-profile/queries";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The signed-in patient's own health profile. */
export const GET = route(async (request) => {
  const actor = await requireApiActor("profile:read-own");
  // Benchmark builds only (the condition is a constant false in every other build).
  const plain = process.env.HAVEN_BENCH_BUILD === "1" && request.headers.get("x-haven-bench-plain") === "1";
  const profile = plain
    ? await plainOwnHealthProfileForBenchmark(actor)
    : await runAs(actor, () => ownHealthProfile(actor));
  if (!profile) throw new AppError("NOT_FOUND", "No health profile yet.");
  return Response.json({ profile }, { headers: { "cache-control": "no-store" } });
});
