import type { Metadata } from "next";
import { VisitRoomPage } from "@/components/video/room-page";

export const metadata: Metadata = { title: "Video visit" };

export default async function PatientVideoRoomPage({
  params,
}: {
  params: Promise<{ appointmentId: string }>;
}) {
  return <VisitRoomPage portal="PATIENT" visitId={(await params).appointmentId} />;
}
