import { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { assertFileKey, type FileStore, Measure, type StoredObject, StoredFileMissingError } from "./file-store.server";

export type S3Options = {
  bucket: string;
  region: string;
  /** An S3-compatible service's address (MinIO, R2, …); AWS itself when unset. */
  endpoint?: string;
  forcePathStyle: boolean;
  /** Tests only: otherwise the SDK's standard chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
};

/** Parts of an upload: S3's smallest. One part is read ahead while one uploads, so memory per upload stays bounded. */
const PART_SIZE = 5 * 1024 * 1024;

function notFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404;
}

/**
 * Any S3-compatible store. Uploads stream through `@aws-sdk/lib-storage` (multipart above one part, a single PUT
 * below), since a stream of unknown length cannot be a plain PutObject. S3 writes are atomic per object: a failed
 * upload leaves nothing readable (lib-storage aborts the multipart upload).
 */
export function s3FileStore(options: S3Options): FileStore {
  const client = new S3Client({
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const Bucket = options.bucket;

  return {
    kind: "s3",
    async put(key: string, body: Readable): Promise<StoredObject> {
      assertFileKey(key);
      const measure = new Measure();
      const upload = new Upload({ client, params: { Bucket, Key: key, Body: body.pipe(measure) }, partSize: PART_SIZE, queueSize: 1, leavePartsOnError: false });
      body.once("error", (error) => measure.destroy(error));
      await upload.done();
      return { size: measure.byteCount, sha256: measure.digest() };
    },
    async get(key: string): Promise<Readable> {
      assertFileKey(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        if (!(object.Body instanceof Readable)) throw new Error("the S3 client returned no stream");
        return object.Body;
      } catch (error) {
        if (notFound(error)) throw new StoredFileMissingError(`no file stored under ${key}`);
        throw error;
      }
    },
    async delete(key: string): Promise<void> {
      assertFileKey(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async exists(key: string): Promise<boolean> {
      assertFileKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (error) {
        if (notFound(error)) return false;
        throw error;
      }
    },
  };
}
