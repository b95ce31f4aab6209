/**
 * Signs buyer tokens: a private Ed25519 JWK, made with `pnpm --silent buyer-token-key` and set with
 * `sst secret set BuyerTokenKey "$(pnpm --silent buyer-token-key)" --stage <stage>`. The API verifies
 * tokens with its public half, in-process.
 */
export const buyerTokenKey = new sst.Secret("BuyerTokenKey");

/**
 * Sign-in codes go out through SES from this sender (an address or a domain SES has verified; a
 * new account is in SES's sandbox and mails verified recipients only until AWS lifts it).
 */
export const mail = new sst.aws.Email("Mail", {
  sender: process.env.HOTSEAT_MAIL_SENDER ?? "tickets@hotseat.example",
});
