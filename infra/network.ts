/**
 * No NAT: the functions talk only to AWS services, so they reach them through VPC endpoints.
 * DynamoDB's gateway endpoint is free; Kinesis needs an interface endpoint (about $7/month per AZ), still cheaper
 * than NAT gateways ($32/month per AZ plus $0.045/GB processed on every order put on the pump) and with no path to
 * the internet at all. In `sst dev` the functions run on the developer's machine, so the paid endpoint is skipped.
 */
export const vpc = new sst.aws.Vpc("Vpc", { az: 2 });

const region = aws.getRegionOutput().region;

export const dynamoEndpoint = new aws.ec2.VpcEndpoint("DynamoEndpoint", {
  vpcId: vpc.id,
  serviceName: $interpolate`com.amazonaws.${region}.dynamodb`,
  vpcEndpointType: "Gateway",
  routeTableIds: vpc.nodes.privateRouteTables.apply((tables) => tables.map((table) => table.id)),
});

export const kinesisEndpoint = $dev
  ? undefined
  : new aws.ec2.VpcEndpoint("KinesisEndpoint", {
      vpcId: vpc.id,
      serviceName: $interpolate`com.amazonaws.${region}.kinesis-streams`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      subnetIds: vpc.privateSubnets,
      securityGroupIds: vpc.securityGroups,
    });
