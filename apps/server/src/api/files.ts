import type { ExportFile } from "@bevilling/services";
import type { FastifyReply } from "fastify";

/** Sends a file as a download; the name is ASCII already (slugged), the starred form covers the rest. */
export function sendFile(reply: FastifyReply, file: ExportFile): FastifyReply {
  const ascii = file.fileName.replace(/[^\w.-]/g, "_");
  return reply
    .type(file.contentType)
    .header(
      "content-disposition",
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    )
    .send(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
}
