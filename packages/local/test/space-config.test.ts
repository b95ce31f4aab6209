import { describe, expect, it } from "vitest";
import { spaceConnectionFromEnv } from "../src/redis.ts";

describe("spaceConnectionFromEnv (the REDIS_* variables of `pnpm start`)", () => {
  it("spawns a Redis when neither REDIS_URL nor REDIS_CLUSTER_NODES is set", () => {
    expect(spaceConnectionFromEnv({})).toBeUndefined();
    expect(spaceConnectionFromEnv({ REDIS_TLS: "true", REDIS_PASSWORD: "x" })).toBeUndefined();
  });

  it("uses a plain REDIS_URL as it is", () => {
    expect(spaceConnectionFromEnv({ REDIS_URL: "redis://127.0.0.1:6390" })).toStrictEqual({
      url: "redis://127.0.0.1:6390",
      cluster: false,
      tls: false,
    });
  });

  it("adds TLS, user, password (escaped) and a CA to REDIS_URL", () => {
    expect(
      spaceConnectionFromEnv({
        REDIS_URL: "redis://cache.internal:6380",
        REDIS_TLS: "true",
        REDIS_USERNAME: "app",
        REDIS_PASSWORD: "p@ss/word",
        REDIS_CA_FILE: import.meta.filename,
      }),
    ).toStrictEqual({
      url: "rediss://app:p%40ss%2Fword@cache.internal:6380",
      cluster: false,
      tls: true,
      caFile: import.meta.filename,
    });
  });

  it("makes a cluster of REDIS_CLUSTER_NODES, the first node carrying the credentials", () => {
    expect(
      spaceConnectionFromEnv({
        REDIS_CLUSTER_NODES: "127.0.0.1:7001, 127.0.0.1:7002,127.0.0.1:7003",
        REDIS_TLS: "true",
        REDIS_PASSWORD: "secret",
      }),
    ).toStrictEqual({
      url: "rediss://:secret@127.0.0.1:7001",
      cluster: true,
      tls: true,
      nodes: ["127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7003"],
    });
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: "127.0.0.1" }, /not host:port/],
    [{ REDIS_URL: "http://127.0.0.1:6379" }, /redis:\/\/ or rediss:\/\//],
    [{ REDIS_URL: "redis://127.0.0.1:6379", REDIS_TLS: "yes" }, /REDIS_TLS must be true or false/],
    [{ REDIS_URL: "redis://127.0.0.1:6379", REDIS_CA_FILE: "/nonexistent/ca.crt" }, /REDIS_CA_FILE/],
    [{ REDIS_URL: "redis://127.0.0.1:6379", SPACE_REPLICA_ACKS: "one" }, /SPACE_REPLICA_ACKS must be a whole number/],
    [{ SPACE_REPLICA_ACKS: "1" }, /the Redis pnpm start spawns has no replica/],
  ])("refuses %o with a clear message", (env, message) => {
    expect(() => spaceConnectionFromEnv(env)).toThrow(message);
  });

  it("reads SPACE_REPLICA_ACKS and SPACE_REPLICA_ACK_TIMEOUT_MS", () => {
    expect(
      spaceConnectionFromEnv({
        REDIS_CLUSTER_NODES: "127.0.0.1:7001",
        SPACE_REPLICA_ACKS: "1",
        SPACE_REPLICA_ACK_TIMEOUT_MS: "500",
      }),
    ).toMatchObject({ cluster: true, replicaAcks: 1, replicaAckTimeoutMs: 500 });
  });
});
