import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import type { S3Options } from "../../server/files/s3-file-store.server";

export type LocalS3 = { options: S3Options; directory: string; close(): Promise<void> };

/**
 * A real S3-compatible server (s3rver: S3's REST API, signatures and multipart uploads, objects on disk) on a free
 * loopback port, with one bucket; what the S3 driver is tested against. Stopped and deleted by `close`.
 */
export async function startLocalS3(bucket = "portico-files"): Promise<LocalS3> {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), "portico-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    options: {
      bucket,
      region: "us-east-1",
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      // s3rver's fixed development credentials; it checks the signature made with them.
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    },
    directory,
    close: async () => {
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}
