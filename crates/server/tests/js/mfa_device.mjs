// TOTP MFA and remembered devices the way a browser app does them with
// amazon-cognito-identity-js, against a pool whose MFA is ON (TOTP only):
//
//  1. authenticateUser (USER_SRP_AUTH) → mfaSetup → associateSoftwareToken
//     (by Session) → verifySoftwareToken → signed in;
//  2. a second authenticateUser → totpRequired → sendMFACode → signed in (the
//     library confirms the new device itself when NewDeviceMetadata arrives);
//  3. with "remember": setDeviceStatusRemembered, then a third authenticateUser
//     on the same device goes through DEVICE_SRP_AUTH with no MFA prompt.
//
//   node mfa_device.mjs <endpoint> <poolId> <clientId> <username> <password> [remember]
//
// Prints one JSON object: {"steps": [...], "deviceKey": …, "accessToken": …};
// on failure {"error": code, "message": …, "step": …, "steps": […]} and exits 1.
import crypto from "node:crypto";
import cognito from "amazon-cognito-identity-js";

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

const [endpoint, poolId, clientId, username, password, mode] = process.argv.slice(2);
if (!password) {
  console.error("usage: node mfa_device.mjs <endpoint> <poolId> <clientId> <username> <password> [remember]");
  process.exit(2);
}

const steps = [];
function fail(step, err) {
  console.log(
    JSON.stringify({
      error: err?.code ?? err?.name ?? "Error",
      message: err?.message ?? String(err),
      step,
      steps,
    }),
  );
  process.exit(1);
}

// An authenticator app: RFC 6238 (HMAC-SHA1, 30 s, 6 digits) on a base32 secret.
function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}
function totpAt(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(step));
  const h = crypto.createHmac("sha1", secret).update(counter).digest();
  const o = h[h.length - 1] & 0x0f;
  const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1000000;
  return String(n).padStart(6, "0");
}
let lastStep = -Infinity;
// A code not used before (the server takes one step of drift).
async function freshCode(secret) {
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const step = Math.max(now, lastStep + 1);
    if (step <= now + 1) {
      lastStep = step;
      return totpAt(secret, step);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });
const details = new AuthenticationDetails({ Username: username, Password: password });
let secret = null;

// One authenticateUser run; the MFA callbacks answer with the authenticator.
function signIn(user) {
  return new Promise((resolve, reject) => {
    const unexpected = (name) => () =>
      reject(Object.assign(new Error(`unexpected challenge ${name}`), { code: "UnexpectedChallenge" }));
    const callbacks = {
      onSuccess: (session) => resolve(session),
      onFailure: reject,
      newPasswordRequired: unexpected("NEW_PASSWORD_REQUIRED"),
      mfaRequired: unexpected("SMS_MFA"),
      selectMFAType: unexpected("SELECT_MFA_TYPE"),
      customChallenge: unexpected("CUSTOM_CHALLENGE"),
      mfaSetup: () => {
        steps.push("MFA_SETUP");
        user.associateSoftwareToken({
          associateSecretCode: async (code) => {
            secret = base32(code);
            user.verifySoftwareToken(await freshCode(secret), "test phone", {
              onSuccess: resolve,
              onFailure: reject,
            });
          },
          onFailure: reject,
        });
      },
      totpRequired: async () => {
        steps.push("SOFTWARE_TOKEN_MFA");
        if (!secret) return reject(new Error("TOTP asked for before enrolment"));
        user.sendMFACode(await freshCode(secret), callbacks, "SOFTWARE_TOKEN_MFA");
      },
    };
    user.authenticateUser(details, callbacks);
  });
}

let step = "enrol";
try {
  {
    const user = new CognitoUser({ Username: username, Pool: pool });
    await signIn(user);
    steps.push("signed in");
  }
  step = "totp sign-in";
  const user = new CognitoUser({ Username: username, Pool: pool });
  let session = await signIn(user);
  steps.push("signed in");
  let deviceKey = null;
  if (mode === "remember") {
    step = "setDeviceStatusRemembered";
    deviceKey = user.deviceKey ?? null;
    if (!deviceKey) throw new Error("no device key after sign-in (NewDeviceMetadata missing?)");
    await new Promise((resolve, reject) =>
      user.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }),
    );
    steps.push("remembered");
    step = "device sign-in";
    const again = new CognitoUser({ Username: username, Pool: pool });
    session = await signIn(again);
    steps.push("signed in");
  }
  console.log(
    JSON.stringify({
      steps,
      deviceKey,
      accessToken: session.getAccessToken().getJwtToken(),
    }),
  );
} catch (err) {
  fail(step, err);
}
