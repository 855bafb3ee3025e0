import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, publicOrigin } from "../../server/config.server";

describe("loadConfig", () => {
  it("defaults to the embedded database on localhost:3000", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: "development", port: 3000, portalDomain: "localhost", trustProxy: false, database: { kind: "embedded", port: 54329 } });
  });

  it("uses DATABASE_URL with the runtime role's password", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://owner:pw@db:5432/portico", DATABASE_APP_PASSWORD: "a-long-runtime-password" });
    expect(config.database).toEqual({ kind: "external", ownerUrl: "postgres://owner:pw@db:5432/portico", appPassword: "a-long-runtime-password" });
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ PORTAL_DOMAIN: "not a domain" }, "PORTAL_DOMAIN"],
    [{ DATABASE_URL: "mysql://x@y/z", DATABASE_APP_PASSWORD: "a-long-runtime-password" }, "DATABASE_URL"],
    [{ DATABASE_URL: "postgres://owner@db/portico" }, "DATABASE_APP_PASSWORD"],
    [{ TRUST_PROXY: "true" }, "TRUST_PROXY"],
    [{ TRUST_PROXY: "1" }, "TRUST_PROXY"],
    [{ PUBLIC_SCHEME: "ftp" }, "PUBLIC_SCHEME"],
    [{ NODE_ENV: "staging" }, "NODE_ENV"],
    [{ NODE_ENV: "production", EMAIL_TRANSPORT: "log" }, "DATABASE_URL"],
    [{ NODE_ENV: "production", DATABASE_URL: "postgres://o@db/p", DATABASE_APP_PASSWORD: "a-long-runtime-password" }, "RESEND_API_KEY"],
    [{ EMAIL_TRANSPORT: "resend" }, "RESEND_API_KEY"],
    [{ EMAIL_FROM: "not-an-address" }, "EMAIL_FROM"],
  ])("rejects %j naming %s", (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).problems.join("\n")).toContain(variable);
    }
  });

  it("treats blank values as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: " " })).toMatchObject({ port: 3000, database: { kind: "embedded" } });
  });

  it("picks the email transport: Resend with a key, the dev mailbox without, log only when asked", () => {
    expect(loadConfig({}).email).toEqual({ transport: "dev", from: "portal@portico.localhost" });
    expect(loadConfig({ RESEND_API_KEY: "re_test", RESEND_BASE_URL: "http://127.0.0.1:9999" }).email).toMatchObject({
      transport: "resend",
      resend: { apiKey: "re_test", baseUrl: "http://127.0.0.1:9999" },
    });
    const production = { NODE_ENV: "production", DATABASE_URL: "postgres://o@db/p", DATABASE_APP_PASSWORD: "a-long-runtime-password", EMAIL_TRANSPORT: "log" };
    expect(loadConfig(production).email.transport).toBe("log");
  });

  it("keeps files under DATA_DIR/files by default, or in an S3-compatible bucket", () => {
    expect(loadConfig({ DATA_DIR: "/srv/portico" }).files).toEqual({ store: "local", directory: "/srv/portico/files" });
    expect(loadConfig({ FILE_STORE: "s3", S3_BUCKET: "portico-files", S3_ENDPOINT: "http://127.0.0.1:9000", S3_FORCE_PATH_STYLE: "true" }).files).toEqual({
      store: "s3",
      bucket: "portico-files",
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
    });
    expect(loadConfig({ FILE_STORE: "s3", S3_BUCKET: "portico-files", S3_REGION: "eu-central-1" }).files).toEqual({ store: "s3", bucket: "portico-files", region: "eu-central-1", forcePathStyle: false });
    expect(() => loadConfig({ FILE_STORE: "s3" })).toThrow(/S3_BUCKET is required with FILE_STORE=s3/);
    expect(() => loadConfig({ FILE_STORE: "disk" })).toThrow(/FILE_STORE must be local or s3/);
    expect(() => loadConfig({ FILE_STORE: "s3", S3_BUCKET: "Not_A_Bucket" })).toThrow(/S3_BUCKET must be an S3 bucket name/);
    expect(() => loadConfig({ FILE_STORE: "s3", S3_BUCKET: "portico-files", S3_ENDPOINT: "minio:9000" })).toThrow(/S3_ENDPOINT/);
  });

  it("allows webhooks to private networks outside production only, unless told otherwise", () => {
    const production = { NODE_ENV: "production", DATABASE_URL: "postgres://o@db/p", DATABASE_APP_PASSWORD: "a-long-runtime-password", EMAIL_TRANSPORT: "log" };
    expect(loadConfig({}).webhooks.allowPrivateNetworks).toBe(true);
    expect(loadConfig({ NODE_ENV: "test" }).webhooks.allowPrivateNetworks).toBe(true);
    expect(loadConfig(production).webhooks.allowPrivateNetworks).toBe(false);
    expect(loadConfig({ ...production, WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "true" }).webhooks.allowPrivateNetworks).toBe(true);
    expect(loadConfig({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "false" }).webhooks.allowPrivateNetworks).toBe(false);
    expect(() => loadConfig({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: "yes" })).toThrow(/WEBHOOKS_ALLOW_PRIVATE_NETWORKS must be true or false/);
  });

  it("reads TRUST_PROXY as a list of proxy addresses", () => {
    expect(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8" }).trustProxy).toEqual(["loopback", "10.0.0.0/8"]);
  });

  it("builds public origins from configuration: http on PORT in development, https on the default port in production", () => {
    expect(publicOrigin(loadConfig({ PORT: "3000" }), "happy-paws.localhost")).toBe("http://happy-paws.localhost:3000");
    const production = { NODE_ENV: "production", DATABASE_URL: "postgres://o@db/p", DATABASE_APP_PASSWORD: "a-long-runtime-password", EMAIL_TRANSPORT: "log" };
    expect(publicOrigin(loadConfig(production), "happy-paws.portal.example.com")).toBe("https://happy-paws.portal.example.com");
    expect(publicOrigin(loadConfig({ ...production, PUBLIC_PORT: "8443" }), "a.example.com")).toBe("https://a.example.com:8443");
  });
});
