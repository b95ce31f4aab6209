import type { Cluster, Redis } from "ioredis";

/**
 * One-time sign-in codes, by subject (a hash of the address). Only a hash of each code is kept.
 * Codes are single-use, expire, and die after `maxTries` wrong guesses.
 */
export interface LoginCodes {
  /** Stores a fresh code for `subject`, replacing any earlier one, valid for `ttlMs`. */
  put(subject: string, codeHash: string, ttlMs: number): Promise<void>;
  /** True when `codeHash` is the live code (which is then used up); a miss counts against the code. */
  redeem(subject: string, codeHash: string, maxTries: number): Promise<boolean>;
}

const codeKey = (subject: string) => `login:{${subject}}`;

/**
 * Check, count and burn in one step: two guesses racing each other can never both spend the
 * last try, and a right code can be redeemed once.
 * KEYS: the code. ARGV: codeHash, maxTries. Returns 1 when redeemed.
 */
const REDEEM_LOGIN_CODE = `
local v = redis.call('HMGET', KEYS[1], 'hash', 'tries')
if not v[1] then return 0 end
if v[1] == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
if redis.call('HINCRBY', KEYS[1], 'tries', 1) >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) end
return 0
`;

type WithRedeem = (Redis | Cluster) & { redeemLoginCode?: (...args: (string | number)[]) => Promise<unknown> };

export class RedisLoginCodes implements LoginCodes {
  constructor(private readonly redis: WithRedeem) {
    if (!redis.redeemLoginCode) redis.defineCommand("redeemLoginCode", { numberOfKeys: 1, lua: REDEEM_LOGIN_CODE });
  }

  async put(subject: string, codeHash: string, ttlMs: number): Promise<void> {
    const key = codeKey(subject);
    await this.redis.multi().del(key).hset(key, { hash: codeHash, tries: 0 }).pexpire(key, ttlMs).exec();
  }

  async redeem(subject: string, codeHash: string, maxTries: number): Promise<boolean> {
    const redis = this.redis as Required<WithRedeem>;
    return Number(await redis.redeemLoginCode(codeKey(subject), codeHash, maxTries)) === 1;
  }
}

/** The same contract in memory, for fast tests (held to `RedisLoginCodes` by the contract tests). */
export class MemoryLoginCodes implements LoginCodes {
  private readonly codes = new Map<string, { hash: string; tries: number; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async put(subject: string, codeHash: string, ttlMs: number): Promise<void> {
    this.codes.set(subject, { hash: codeHash, tries: 0, expiresAt: this.now() + ttlMs });
  }

  async redeem(subject: string, codeHash: string, maxTries: number): Promise<boolean> {
    const code = this.codes.get(subject);
    if (!code || code.expiresAt <= this.now()) {
      this.codes.delete(subject);
      return false;
    }
    if (code.hash === codeHash) {
      this.codes.delete(subject);
      return true;
    }
    if (++code.tries >= maxTries) this.codes.delete(subject);
    return false;
  }
}
