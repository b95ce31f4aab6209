import { afterEach, describe, expect, it, vi } from "vitest";
import { configFromResources, type LinkedResources, readConfig, spaceUrl } from "./config.ts";

const elastiCache: LinkedResources["Space"] = {
  host: "clustercfg.hotseat.cache.amazonaws.com",
  port: 6379,
  username: "default",
  password: "p&ss#word!",
  tls: true,
  cluster: true,
};

afterEach(() => vi.unstubAllEnvs());

describe("configFromResources", () => {
  it("connects to ElastiCache over TLS in cluster mode, with the auth token escaped in the URL", () => {
    const config = configFromResources({
      Space: elastiCache,
      Pump: { name: "hotseat-prod-PumpStream" },
      Table: { name: "hotseat-prod-TableTable" },
      AdminToken: { value: "s3cret" },
      BuyerTokenKey: { value: '{"kty":"OKP"}' },
      Mail: { sender: "tickets@hotseat.example" },
      Payments: { provider: "stripe", currency: "eur" },
      StripeSecretKey: { value: "sk_test_1" },
      StripeWebhookSecret: { value: "whsec_1" },
    });
    expect(config.redis).toEqual({
      url: "rediss://default:p%26ss%23word!@clustercfg.hotseat.cache.amazonaws.com:6379",
      cluster: true,
      tls: true,
    });
    expect(new URL(config.redis.url).password).toBe("p%26ss%23word!");
    expect(config.pump.streamName).toBe("hotseat-prod-PumpStream");
    expect(config.table.name).toBe("hotseat-prod-TableTable");
    expect(config.adminToken).toBe("s3cret");
    expect(config.buyers.tokenKey).toBe('{"kty":"OKP"}');
    expect(config.mail).toEqual({ from: "tickets@hotseat.example" });
    expect(config.payments).toEqual({
      provider: "stripe",
      currency: "eur",
      stripe: { secretKey: "sk_test_1", webhookSecret: "whsec_1" },
    });
    expect(config.pump.endpoint).toBeUndefined();
    expect(config.table.endpoint).toBeUndefined();
  });

  it("speaks plain Redis to the local server `sst dev` links", () => {
    const local = { host: "127.0.0.1", port: 6379, username: "default", password: "", tls: false, cluster: false };
    expect(spaceUrl(local)).toBe("redis://127.0.0.1:6379");
    expect(configFromResources({ Space: local } as LinkedResources).redis).toEqual({
      url: "redis://127.0.0.1:6379",
      cluster: false,
      tls: false,
    });
  });

  it("reads a link only when its part is used, so a function needs only its own links", () => {
    const linked = {
      get Space() {
        throw new Error('"Space" is not linked');
      },
      Table: { name: "t" },
    } as unknown as LinkedResources;
    const config = configFromResources(linked);
    expect(config.table.name).toBe("t");
    expect(() => config.redis).toThrow(/not linked/);
  });
});

describe("readConfig", () => {
  it("reads SST's links when SST started the process", () => {
    vi.stubEnv("SST_RESOURCE_App", JSON.stringify({ name: "hotseat", stage: "test" }));
    vi.stubEnv("SST_RESOURCE_Space", JSON.stringify(elastiCache));
    vi.stubEnv("SST_RESOURCE_Pump", JSON.stringify({ name: "stream-from-sst" }));
    vi.stubEnv("SST_RESOURCE_Table", JSON.stringify({ name: "table-from-sst" }));
    vi.stubEnv("SST_RESOURCE_AdminToken", JSON.stringify({ value: "token-from-sst" }));
    vi.stubEnv("HOTSEAT_STREAM", "stream-from-env");
    const config = readConfig();
    expect(config.pump.streamName).toBe("stream-from-sst");
    expect(config.table.name).toBe("table-from-sst");
    expect(config.adminToken).toBe("token-from-sst");
    expect(config.redis.cluster).toBe(true);
  });

  it("reads HOTSEAT_* variables otherwise", () => {
    vi.stubEnv("SST_RESOURCE_App", "");
    vi.stubEnv("HOTSEAT_REDIS_URL", "redis://127.0.0.1:6390");
    vi.stubEnv("HOTSEAT_STREAM", "orders");
    vi.stubEnv("HOTSEAT_TABLE", "hotseat");
    vi.stubEnv("HOTSEAT_ADMIN_TOKEN", "local-token");
    vi.stubEnv("HOTSEAT_KINESIS_ENDPOINT", "http://127.0.0.1:4567");
    const config = readConfig();
    expect(config.redis).toEqual({ url: "redis://127.0.0.1:6390", cluster: false, tls: false });
    expect(config.pump).toEqual({ streamName: "orders", endpoint: "http://127.0.0.1:4567" });
  });

  it("reads a local Redis Cluster's seed nodes and CA from HOTSEAT_* variables", () => {
    vi.stubEnv("SST_RESOURCE_App", "");
    vi.stubEnv("HOTSEAT_REDIS_URL", "rediss://default:pw@127.0.0.1:7001");
    vi.stubEnv("HOTSEAT_REDIS_CLUSTER", "true");
    vi.stubEnv("HOTSEAT_REDIS_TLS", "true");
    vi.stubEnv("HOTSEAT_REDIS_NODES", "127.0.0.1:7001,127.0.0.1:7002");
    vi.stubEnv("HOTSEAT_REDIS_CA_FILE", "/tmp/ca.crt");
    vi.stubEnv("HOTSEAT_STREAM", "orders");
    vi.stubEnv("HOTSEAT_TABLE", "hotseat");
    vi.stubEnv("HOTSEAT_ADMIN_TOKEN", "local-token");
    expect(readConfig().redis).toStrictEqual({
      url: "rediss://default:pw@127.0.0.1:7001",
      cluster: true,
      tls: true,
      nodes: ["127.0.0.1:7001", "127.0.0.1:7002"],
      caFile: "/tmp/ca.crt",
    });
  });
});
