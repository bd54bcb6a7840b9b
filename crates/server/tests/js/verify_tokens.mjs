// Verifies kognit's tokens the way a Node backend does, with aws-jwt-verify:
// RS256 signatures against the pool's JWKS (fetched by the library's JWKS
// cache from <issuer>/.well-known/jwks.json), iss, exp, and Cognito's own
// rules (token_use; aud = client id for ID tokens, client_id for access tokens)
// through the library's validateCognitoJwtFields.
//
//   node verify_tokens.mjs <issuer> <clientId> <idToken> <accessToken>
//
// Prints {"id": payload, "access": payload}; on failure {"error": …,
// "message": …, "token": "id"|"access"} and exits 1.
//
// CognitoJwtVerifier cannot be used: it derives the issuer from the pool id
// (https://cognito-idp.<region>.amazonaws.com/<poolId>). JwtRsaVerifier takes
// any issuer. Its default fetcher speaks HTTPS only (node:https), and kognit
// dev is plain HTTP, so the JWKS cache gets a fetcher built on global fetch.
import { JwtRsaVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";

const [issuer, clientId, idToken, accessToken] = process.argv.slice(2);
if (!accessToken) {
  console.error("usage: node verify_tokens.mjs <issuer> <clientId> <idToken> <accessToken>");
  process.exit(2);
}

const fetcher = {
  async fetch(uri) {
    const res = await fetch(uri);
    if (res.status !== 200) {
      throw new Error(`${uri}: status code is ${res.status}, expected 200`);
    }
    return res.arrayBuffer();
  },
};
const jwksCache = new SimpleJwksCache({ fetcher });
const jwksUri = `${issuer}/.well-known/jwks.json`;

function verifier(tokenUse) {
  return JwtRsaVerifier.create(
    {
      issuer,
      jwksUri,
      // The ID token's aud is the client id; access tokens carry no aud.
      audience: tokenUse === "id" ? clientId : null,
      customJwtCheck: ({ payload }) =>
        validateCognitoJwtFields(payload, { tokenUse, clientId, groups: null }),
    },
    { jwksCache },
  );
}

const out = {};
for (const [tokenUse, jwt] of [["id", idToken], ["access", accessToken]]) {
  try {
    out[tokenUse] = await verifier(tokenUse).verify(jwt);
  } catch (err) {
    console.log(JSON.stringify({ error: err?.constructor?.name ?? err?.name ?? "Error", message: err?.message ?? String(err), token: tokenUse }));
    process.exit(1);
  }
}
console.log(JSON.stringify(out));
