// Loaded with `node --import` into a nemesis child: shifts this process's clock by
// NEMESIS_CLOCK_SKEW_MS (positive: ahead), as a host whose clock drifted would be.
const skew = Number(process.env.NEMESIS_CLOCK_SKEW_MS || 0);
if (skew !== 0) {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + skew);
      else super(...args);
    }
    static now() {
      return RealDate.now() + skew;
    }
  }
  globalThis.Date = SkewedDate;
}
