import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify, SignJWT } from "jose";
import { LRUCache } from "lru-cache";
import { HotSeatError } from "../error/index.ts";
import { CustomerId } from "../order/index.ts";

const ISSUER = "hotseat";
/** Only buyer tokens carry this audience: a token minted for anything else is not one. */
export const BUYER_AUDIENCE = "hotseat:buyer";
// EdDSA (Ed25519): an asymmetric signature the API verifies with the public key alone, and the
// cheapest of jose's asymmetric algorithms to verify.
const ALG = "EdDSA";

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

const unauthorized = (message: string) => new HotSeatError("unauthorized", message);

/** A new signing key, as the private JWK the configuration holds (`BuyerTokenKey`). */
export async function newBuyerTokenKey(): Promise<string> {
  const { privateKey } = await generateKeyPair(ALG, { crv: "Ed25519", extractable: true });
  return JSON.stringify({ ...(await exportJWK(privateKey)), alg: ALG });
}

/**
 * Signed buyer tokens: the customer id is the subject, never the address. A verified token is
 * remembered (bounded, until it expires) so a buyer retrying at the opening costs one signature
 * check, not one per request.
 */
export class BuyerTokens {
  private readonly verified = new LRUCache<string, { sub: string; expMs: number }>({ max: 50_000 });

  private readonly privateKey: ReturnType<typeof importJWK>;
  private readonly publicKey: ReturnType<typeof importJWK>;

  /** `privateJwkJson`: a private Ed25519 JWK (`newBuyerTokenKey`); a malformed one throws here, at start-up. */
  constructor(
    privateJwkJson: string,
    readonly ttlSeconds = 12 * 3600,
  ) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(privateJwkJson) as JWK;
    } catch {
      throw new Error("the buyer token key is not JSON (a private Ed25519 JWK)");
    }
    if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || !jwk.d || !jwk.x)
      throw new Error("the buyer token key must be a private Ed25519 JWK");
    this.privateKey = importJWK(jwk, ALG);
    this.publicKey = importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, ALG);
  }

  async issue(customerId: string, nowMs = Date.now()): Promise<IssuedToken> {
    const exp = Math.floor(nowMs / 1000) + this.ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALG, typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(BUYER_AUDIENCE)
      .setSubject(customerId)
      .setIssuedAt(Math.floor(nowMs / 1000))
      .setExpirationTime(exp)
      .sign(await this.privateKey);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The customer id a valid buyer token names; 401 `unauthorized` for anything else. */
  async customerOf(token: string): Promise<string> {
    const known = this.verified.get(token);
    if (known) {
      if (known.expMs > Date.now()) return known.sub;
      this.verified.delete(token);
      throw unauthorized("your sign-in has expired; sign in again");
    }
    let sub: string | undefined;
    let exp: number | undefined;
    try {
      const { payload } = await jwtVerify(token, await this.publicKey, {
        issuer: ISSUER,
        audience: BUYER_AUDIENCE,
        algorithms: [ALG],
        requiredClaims: ["sub", "exp"],
      });
      sub = payload.sub;
      exp = payload.exp;
    } catch (e) {
      const expired = (e as { code?: string }).code === "ERR_JWT_EXPIRED";
      throw unauthorized(expired ? "your sign-in has expired; sign in again" : "not a valid buyer token");
    }
    if (!sub || !CustomerId.safeParse(sub).success || exp === undefined) throw unauthorized("not a valid buyer token");
    this.verified.set(token, { sub, expMs: exp * 1000 });
    return sub;
  }
}
