import { vpc } from "./network";
import { replicaAcksFor, stageSettings } from "./stage";

const settings = stageSettings($app.stage);
/** A durable space (MemoryDB) on AWS; `sst dev` always points at a local Redis. */
const durable = settings.spaceEngine === "memorydb" && !$dev;

/** ElastiCache (Valkey, cluster mode): the default space. */
export const spaceRedis = durable
  ? undefined
  : new sst.aws.Redis("SpaceRedis", {
      engine: "valkey",
      // Cluster mode: the space's keys carry hash tags (`show:{id}:…`) so each Lua script stays in one slot.
      cluster: { nodes: settings.spaceShards },
      instance: settings.spaceInstance,
      // Inventory must never be evicted to make room: a full node refuses writes (a clear error) instead.
      parameters: { "maxmemory-policy": "noeviction" },
      vpc,
      dev: { host: "127.0.0.1", port: 6379 },
      transform: {
        // SST makes no replicas; a replica per shard in another AZ is what a failover promotes.
        cluster: (args) => {
          args.replicasPerNodeGroup = settings.spaceReplicas;
          args.multiAzEnabled = settings.spaceReplicas > 0;
        },
      },
    });

/**
 * MemoryDB: the same cluster protocol, but a write is acknowledged only once a Multi-AZ transaction log has it, so
 * a failover loses no acknowledged take (and SPACE_REPLICA_ACKS stays 0). Its password is the
 * `SpaceMemoryDbPassword` secret (`sst secret set SpaceMemoryDbPassword …`, 16 to 128 characters).
 */
function memoryDb() {
  const password = new sst.Secret("SpaceMemoryDbPassword");
  const subnets = new aws.memorydb.SubnetGroup("SpaceMemoryDbSubnets", { subnetIds: vpc.privateSubnets });
  const user = new aws.memorydb.User("SpaceMemoryDbUser", {
    userName: $interpolate`${$app.name}-${$app.stage}-space`,
    accessString: "on ~* &* +@all",
    authenticationMode: { type: "password", passwords: [password.value] },
  });
  const acl = new aws.memorydb.Acl("SpaceMemoryDbAcl", { userNames: [user.userName] });
  const parameters = new aws.memorydb.ParameterGroup("SpaceMemoryDbParameters", {
    family: "memorydb_valkey7",
    parameters: [{ name: "maxmemory-policy", value: "noeviction" }],
  });
  const cluster = new aws.memorydb.Cluster("SpaceMemoryDb", {
    engine: "valkey",
    engineVersion: "7.2",
    nodeType: `db.${settings.spaceInstance}`,
    numShards: settings.spaceShards,
    numReplicasPerShard: settings.spaceReplicas,
    aclName: acl.name,
    parameterGroupName: parameters.name,
    subnetGroupName: subnets.name,
    securityGroupIds: vpc.securityGroups,
    tlsEnabled: true,
  });
  const endpoint = cluster.clusterEndpoints.apply((e) => e?.[0] ?? { address: "", port: 6379 });
  return { cluster, host: endpoint.address, port: endpoint.port, username: user.userName, password: password.value };
}

export const spaceMemoryDb = durable ? memoryDb() : undefined;

const connection = spaceMemoryDb ?? {
  host: spaceRedis?.host,
  port: spaceRedis?.port,
  username: spaceRedis?.username,
  password: spaceRedis?.password,
};

/**
 * What the functions link as `Space`: the connection plus how to speak to it. ElastiCache and MemoryDB require TLS
 * and run in cluster mode; the local Redis that `sst dev` points at is a plain single node with no replica.
 */
export const space = new sst.Linkable("Space", {
  properties: {
    host: connection.host,
    port: connection.port,
    username: connection.username,
    password: connection.password,
    tls: !$dev,
    cluster: !$dev,
    replicaAcks: $dev ? 0 : replicaAcksFor(settings),
  },
});
