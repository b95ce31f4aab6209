/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  async app(input) {
    const { isProductionStage } = await import("./infra/stage");
    const production = isProductionStage(input.stage);
    return {
      name: "hotseat",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
      providers: { aws: { version: "7.20.0" } },
    };
  },
  async run() {
    await import("./infra/network");
    await import("./infra/space");
    const { deadLetters, pump } = await import("./infra/pump");
    const { table } = await import("./infra/table");
    const { api } = await import("./infra/api");
    await import("./infra/sweeper");
    const { webUrl } = await import("./infra/web");
    await import("./infra/alarms");
    await import("./infra/dashboard");

    return {
      api: api.url,
      web: webUrl,
      stream: pump.name,
      table: table.name,
      // scripts/smoke-stage.sh checks it is empty.
      deadLetters: deadLetters.url,
    };
  },
});
