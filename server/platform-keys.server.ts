import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { PlatformKeys } from "../tenants/sealed-secrets.server";
import type { Config } from "./config.server";

/**
 * The keys that seal dedicated databases' credentials. Development gets a key of its own in DATA_DIR so the demo's
 * dedicated practice works with no setup; production only ever uses the configured key.
 */
export async function platformKeys(config: Config): Promise<PlatformKeys | undefined> {
  const { key, previousKey } = config.encryption;
  if (key) return { current: key, ...(previousKey ? { previous: previousKey } : {}) };
  if (config.env === "production") return undefined;
  const file = path.join(config.dataDir, "platform-encryption.key");
  try {
    return { current: Buffer.from(await fs.readFile(file, "utf8"), "base64") };
  } catch {
    const generated = randomBytes(32);
    await fs.mkdir(config.dataDir, { recursive: true });
    await fs.writeFile(file, generated.toString("base64"), { mode: 0o600, flag: "wx" }).catch(() => undefined);
    return { current: Buffer.from(await fs.readFile(file, "utf8"), "base64") };
  }
}
