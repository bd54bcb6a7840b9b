// openid-client (v6) against kognit's OAuth 2.0 authorization server, in
// steps driven by crates/server/tests/integration/hosted_oidc.rs (the
// browser part happens in between, in Chromium):
//
//   start  <issuer> <client_id> <redirect_uri> <scope>
//          discovery from the issuer alone; an authorization URL with PKCE
//          (S256), state and nonce.
//   finish <issuer> <client_id> <callback_url> <verifier> <state> <nonce>
//          the code at the token endpoint, the ID token checked (signature
//          against the JWKS with jose, issuer, audience, nonce), userInfo,
//          a refresh, a revocation and the refused refresh after it.
//   m2m    <issuer> <client_id> <secret> <scope>
//          client credentials with HTTP Basic; the access token verified
//          against the JWKS; a wrong secret and a scope not allowed refused.
//
// Prints one JSON object.
import * as client from "openid-client";
import * as jose from "jose";

const [cmd, issuer, clientId, ...rest] = process.argv.slice(2);
const insecure = { execute: [client.allowInsecureRequests] };

async function discover(secret) {
  const auth = secret ? client.ClientSecretBasic(secret) : client.None();
  return client.discovery(new URL(issuer), clientId, secret ? { client_secret: secret } : undefined, auth, insecure);
}

async function verify(config, token, options) {
  const jwks = jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri));
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, { issuer, ...options });
  return { payload, kid: protectedHeader.kid, alg: protectedHeader.alg };
}

function failure(e) {
  return { name: e?.name, code: e?.code, error: e?.error ?? e?.cause?.error, status: e?.status, message: e?.message };
}

async function start() {
  const [redirectUri, scope] = rest;
  const config = await discover();
  const verifier = client.randomPKCECodeVerifier();
  const challenge = await client.calculatePKCECodeChallenge(verifier);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope, code_challenge: challenge, code_challenge_method: "S256", state, nonce,
  });
  return { url: url.href, verifier, state, nonce, metadata: config.serverMetadata() };
}

async function finish() {
  const [callback, verifier, state, nonce] = rest;
  const config = await discover();
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce,
  });
  const claims = tokens.claims();
  const id = await verify(config, tokens.id_token, { audience: clientId });
  const access = await verify(config, tokens.access_token, {});
  const userInfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  await client.tokenRevocation(config, tokens.refresh_token);
  let afterRevoke;
  try {
    await client.refreshTokenGrant(config, tokens.refresh_token);
    afterRevoke = { ok: true };
  } catch (e) {
    afterRevoke = failure(e);
  }
  return {
    tokenType: tokens.token_type, expiresIn: tokens.expires_in, scope: tokens.scope ?? null,
    hasRefresh: typeof tokens.refresh_token === "string",
    claims, idVerified: id.payload, accessVerified: access.payload, userInfo,
    refreshed: { hasId: typeof refreshed.id_token === "string", hasAccess: typeof refreshed.access_token === "string",
      claims: refreshed.claims() ?? null },
    afterRevoke,
  };
}

async function m2m() {
  const [secret, scope] = rest;
  const config = await discover(secret);
  const tokens = await client.clientCredentialsGrant(config, { scope });
  const access = await verify(config, tokens.access_token, {});
  const wrong = await discover(secret + "x");
  let wrongSecret;
  try { await client.clientCredentialsGrant(wrong, { scope }); wrongSecret = { ok: true }; } catch (e) { wrongSecret = failure(e); }
  let badScope;
  try { await client.clientCredentialsGrant(config, { scope: "openid" }); badScope = { ok: true }; } catch (e) { badScope = failure(e); }
  return { tokenType: tokens.token_type, expiresIn: tokens.expires_in, hasId: "id_token" in tokens,
    hasRefresh: "refresh_token" in tokens, access: access.payload, wrongSecret, badScope };
}

try {
  const out = await { start, finish, m2m }[cmd]();
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify({ failed: failure(e), stack: String(e?.stack) }));
  process.exit(1);
}
