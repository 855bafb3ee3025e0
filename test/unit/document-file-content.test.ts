import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { attachmentHeaders } from "../../app/use-cases/document-file-download.server";
import { documentFileNameSchema } from "../../app/use-cases/document-files.server";
import { checkDocumentFile } from "../../server/files/document-file-content.server";

const PNG_HEAD = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
const JPEG_HEAD = Buffer.from("ffd8ffe000104a46494600010100000100010000", "hex");

function received(declaredType: string, bytes: Buffer) {
  return { declaredType, byteSize: bytes.length, head: bytes.subarray(0, 4100), tail: bytes.subarray(-1024), open: () => Readable.from([bytes]) };
}

const PDF = Buffer.from("%PDF-1.7\n1 0 obj\n<<>>\nendobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n<<>>\nstartxref\n24\n%%EOF\n", "latin1");

describe("checkDocumentFile: the type from the bytes", () => {
  it("accepts a whole PDF, a PNG and a JPEG whose declared type and name agree", async () => {
    expect(await checkDocumentFile(received("application/pdf", PDF), "a.pdf")).toEqual({ ok: true, type: "application/pdf" });
    expect(await checkDocumentFile(received("image/png", PNG_HEAD), "a.PNG")).toEqual({ ok: true, type: "image/png" });
    expect(await checkDocumentFile(received("image/jpeg", JPEG_HEAD), "a.jpg")).toEqual({ ok: true, type: "image/jpeg" });
  });

  it.each([
    ["text as a PDF", "application/pdf", Buffer.from("hello"), "a.pdf", /not a PDF, JPEG or PNG/],
    ["HTML as a PNG", "image/png", Buffer.from("<html><script>alert(1)</script>"), "a.png", /not a PDF, JPEG or PNG/],
    ["a PNG declared a PDF", "application/pdf", PNG_HEAD, "a.pdf", /are a PNG image, but were sent as application\/pdf/],
    ["a JPEG named .png", "image/jpeg", JPEG_HEAD, "a.png", /must end in \.jpg or \.jpeg/],
    ["a PDF without %%EOF", "application/pdf", PDF.subarray(0, 40), "a.pdf", /incomplete or damaged/],
    ["a PDF whose startxref points past its end", "application/pdf", Buffer.from("%PDF-1.4\nstartxref\n99999\n%%EOF\n"), "a.pdf", /incomplete or damaged/],
    ["an empty file", "application/pdf", Buffer.alloc(0), "a.pdf", /empty/],
  ])("refuses %s", async (_label, type, bytes, name, problem) => {
    const result = await checkDocumentFile(received(type, bytes), name);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(problem);
  });
});

describe("file names and download headers", () => {
  it.each(["report.pdf", "Résultat (final); 2.pdf", "scan 1.JPEG"])("accepts %s", (name) => {
    expect(documentFileNameSchema.safeParse(name).success).toBe(true);
  });

  it.each(["", ".pdf", "a/b.pdf", "a\\b.pdf", "a\r\nb.pdf", 'a"b.pdf', "report.exe", "report.pdf.html", " a.pdf", "a\u202egnp.pdf", "x".repeat(118) + ".pdf"])("refuses %j", (name) => {
    expect(documentFileNameSchema.safeParse(name).success).toBe(false);
  });

  it("never lets a name end or break the Content-Disposition header", () => {
    const headers = attachmentHeaders({ name: 'a";\r\nSet-Cookie: x=1 é.pdf', contentType: "application/pdf", byteSize: 3 });
    expect(headers["Content-Disposition"]).toBe(`attachment; filename="a____Set-Cookie: x=1 _.pdf"; filename*=UTF-8''a%22%3B%0D%0ASet-Cookie%3A%20x%3D1%20%C3%A9.pdf`);
    expect(headers["Cache-Control"]).toBe("private, no-store");
  });
});
