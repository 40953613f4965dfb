import { z } from "zod";
import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import {
  MAX_UPLOAD_BODY_BYTES,
  MESSAGES,
  tooLargeMessage,
  MAX_DOCUMENT_BYTES,
} from "@/lib/domain/documents/schemas";
import { uploadDocument } from "@/lib/domain/documents/upload-document";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const fieldsSchema = z.object({ patientId: z.uuid() });

/** The body, read up to the upload limit (proxy.ts refuses larger declared lengths first). */
async function readForm(request: Request): Promise<FormData> {
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    throw new AppError("BAD_REQUEST", "Send the file as multipart/form-data.");
  }
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const chunk = reader ? await reader.read() : null;
    if (!chunk || chunk.done) break;
    size += chunk.value.byteLength;
    if (size > MAX_UPLOAD_BODY_BYTES) {
      await reader?.cancel();
      throw new AppError("PAYLOAD_TOO_LARGE", MESSAGES.tooLarge);
    }
    chunks.push(chunk.value);
  }
  try {
    return await new Response(Buffer.concat(chunks), {
      headers: { "content-type": request.headers.get("content-type")! },
    }).formData();
  } catch {
    throw new AppError("BAD_REQUEST", "The upload arrived incomplete or damaged. Try again.");
  }
}

/** Uploads one document (field "file") into a patient's record (field "patientId"). */
export const POST = route(async (request) => {
  const actor = await requireApiActorForResource("documents:upload", { type: "Document", id: null });
  const form = await readForm(request);
  const fields = fieldsSchema.safeParse({ patientId: form.get("patientId") });
  // A malformed id is treated like any id the actor may not use.
  if (!fields.success) throw new AppError("NOT_FOUND", "Not found.");
  const file = form.get("file");
  if (!(file instanceof File)) {
    throw new AppError("VALIDATION_FAILED", MESSAGES.noFile, {
      fields: [{ field: "file", message: MESSAGES.noFile }],
    });
  }
  if (file.size > MAX_DOCUMENT_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", tooLargeMessage(file.size));
  const bytes = new Uint8Array(await file.arrayBuffer());
  const uploaded = await runAs(actor, () =>
    uploadDocument(actor, { patientId: fields.data.patientId, fileName: file.name, bytes }),
  );
  return Response.json(uploaded, { status: 201, headers: { "cache-control": "no-store" } });
});
