/**
 * The one place that knows where configuration comes from: SST's `Resource` on AWS,
 * environment variables locally. Everything else receives a plain `RuntimeConfig`.
 */
export interface RuntimeConfig {
  redis: { url: string; cluster: boolean; tls: boolean };
  pump: { streamName: string; endpoint?: string };
  table: { name: string; endpoint?: string };
  region: string;
  adminToken: string;
}

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
};

export function configFromEnv(): RuntimeConfig {
  return {
    redis: {
      url: required("HOTSEAT_REDIS_URL"),
      cluster: process.env.HOTSEAT_REDIS_CLUSTER === "true",
      tls: process.env.HOTSEAT_REDIS_TLS === "true",
    },
    pump: { streamName: required("HOTSEAT_STREAM"), endpoint: process.env.HOTSEAT_KINESIS_ENDPOINT },
    table: { name: required("HOTSEAT_TABLE"), endpoint: process.env.HOTSEAT_DYNAMODB_ENDPOINT },
    region: process.env.AWS_REGION ?? "us-east-1",
    adminToken: required("HOTSEAT_ADMIN_TOKEN"),
  };
}

export function readConfig(): RuntimeConfig {
  return configFromEnv();
}
