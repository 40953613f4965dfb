import { roomRefusal } from "@/lib/domain/video/window";

/**
 * The way into a visit's video room from its page: while the visit is confirmed or under way
 * and its room has not closed (before it opens, the room page says when it does). A plain
 * link, not next/link: the room's own headers (camera and microphone allowed, Agora's CSP)
 * come only with a document load, never with a client-side navigation.
 */
export function VideoRoomLink({
  visit,
  basePath,
  label,
}: {
  visit: { id: string; status: string; startsAt: Date; endsAt: Date };
  basePath: "/patient/visits" | "/doctor/visits";
  label: string;
}) {
  const refusal = visit.status === "IN_PROGRESS" ? null : roomRefusal(visit, new Date());
  if (refusal !== null && refusal !== "before") return null;
  return (
    <a
      href={`${basePath}/${visit.id}/room`}
      className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
    >
      {label}
    </a>
  );
}
