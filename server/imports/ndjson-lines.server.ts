/** One physical line of an NDJSON source: its number (from 1), its text, and the bytes consumed up to its end. */
export type SourceLine = { line: number; bytes: number } & ({ ok: true; text: string } | { ok: false; reason: string });

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines without holding more than one line (at most `maxLineBytes`) in memory. A longer
 * line is skipped up to its newline and reported; bytes that are not UTF-8 are reported too; neither stops the
 * lines after them. `skip` lines are passed over without decoding (resuming after the last committed batch).
 */
export async function* ndjsonLines(source: AsyncIterable<Uint8Array | string>, options: { maxLineBytes: number; skip?: number }): AsyncGenerator<SourceLine> {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  const skip = options.skip ?? 0;
  let parts: Buffer[] = [];
  let held = 0;
  let tooLong = false;
  let line = 0;
  let bytes = 0;

  function finish(): SourceLine | undefined {
    line++;
    const consumed = bytes;
    if (line <= skip) {
      parts = [];
      held = 0;
      tooLong = false;
      return undefined;
    }
    let result: SourceLine;
    if (tooLong) result = { line, bytes: consumed, ok: false, reason: `the line is longer than ${options.maxLineBytes} bytes` };
    else {
      try {
        // The first line may start with a byte order mark; a line may end with \r (files written on Windows).
        const text = decoder.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts, held)).replace(/\r$/, "");
        result = { line, bytes: consumed, ok: true, text };
      } catch {
        result = { line, bytes: consumed, ok: false, reason: "the line is not valid UTF-8" };
      }
    }
    parts = [];
    held = 0;
    tooLong = false;
    return result;
  }

  function hold(piece: Buffer): void {
    if (tooLong) return;
    if (held + piece.length > options.maxLineBytes) {
      tooLong = true;
      parts = [];
      held = 0;
      return;
    }
    parts.push(piece);
    held += piece.length;
  }

  for await (const chunk of source) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let end = buffer.indexOf(NEWLINE, start); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
      hold(buffer.subarray(start, end));
      bytes += end + 1 - start;
      start = end + 1;
      const done = finish();
      if (done) yield done;
    }
    if (start < buffer.length) {
      // Copied: the stream may reuse its chunk's memory once we ask for the next one.
      hold(Buffer.from(buffer.subarray(start)));
      bytes += buffer.length - start;
    }
  }
  if (held > 0 || tooLong) {
    const done = finish();
    if (done) yield done;
  }
}
