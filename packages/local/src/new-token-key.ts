// Prints a new buyer-token signing key (a private Ed25519 JWK) for `sst secret set BuyerTokenKey`.
import { newBuyerTokenKey } from "@hotseat/core/buyer";

console.log(await newBuyerTokenKey());
