import type { Metadata } from "next";
import { VisitRoomPage } from "@/components/video/room-page";

export const metadata: Metadata = { title: "Video visit" };

export default async function DoctorVideoRoomPage({
  params,
}: {
  params: Promise<{ appointmentId: string }>;
}) {
  return <VisitRoomPage portal="DOCTOR" visitId={(await params).appointmentId} />;
}
