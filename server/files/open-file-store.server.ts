import type { Config } from "../config.server";
import type { FileStore } from "./file-store.server";
import { localFileStore } from "./local-file-store.server";

/**
 * The configured file store. The S3 driver (and the AWS SDK with it) is loaded only when chosen. Production on the
 * local disk is allowed, with a warning: it holds for one instance with a backed-up disk, not for several.
 */
export async function openFileStore(config: Pick<Config, "env" | "files">, warn: (message: string) => void): Promise<FileStore> {
  const files = config.files;
  if (files.store === "s3") {
    const { s3FileStore } = await import("./s3-file-store.server");
    return s3FileStore(files);
  }
  if (config.env === "production") {
    warn(`files are stored on this machine's disk (${files.directory}): set FILE_STORE=s3 when more than one instance serves, and back this directory up with the database`);
  }
  return localFileStore(files.directory);
}
