// Remembers a device the way a browser app does with amazon-cognito-identity-js:
// authenticateUser (USER_SRP_AUTH) answers NewDeviceMetadata, which the library
// confirms by itself (ConfirmDevice with its own device SRP verifier); the app
// then calls setDeviceStatusRemembered, signs out (revoking its tokens), and
// signs in again: the library names the cached device, and the server has it
// prove itself (DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER). Then
// refreshSession (REFRESH_TOKEN_AUTH with the device's key) and listDevices.
//
//   node remembered_device.mjs <endpoint> <poolId> <clientId> <username> <password>
//
// Prints one JSON object: the requests of each phase (operation, with the
// challenge answered or received), the device key, the flag ConfirmDevice
// returned, the tokens of the device sign-in and of the refresh, and the
// listed devices; on failure {"error", "message", "step", "calls"} and exit 1.
import cognito from "amazon-cognito-identity-js";

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

const [endpoint, poolId, clientId, username, password] = process.argv.slice(2);
if (!password) {
  console.error("usage: node remembered_device.mjs <endpoint> <poolId> <clientId> <username> <password>");
  process.exit(2);
}

const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });

// Every request the library makes, with the challenge it answers ("→") and
// the challenge it gets back ("←"), per phase.
const calls = { first: [], second: [] };
let phase = "first";
const request = pool.client.request.bind(pool.client);
pool.client.request = (op, params, callback) => {
  calls[phase].push(params.ChallengeName ? `${op} → ${params.ChallengeName}` : op);
  return request(op, params, (err, data) => {
    if (data?.ChallengeName) calls[phase].push(`${op} ← ${data.ChallengeName}`);
    callback(err, data);
  });
};

let step = "authenticateUser";
function fail(err) {
  const out = {
    error: err?.code ?? err?.name ?? "Error",
    message: err?.message ?? String(err),
    step,
    calls,
  };
  console.log(JSON.stringify(out));
  process.exit(1);
}

function signIn(user) {
  const details = new AuthenticationDetails({ Username: username, Password: password });
  user.setAuthenticationFlowType("USER_SRP_AUTH");
  return new Promise((resolve, reject) => {
    const unexpected = (name) => () =>
      reject(Object.assign(new Error(`unexpected challenge ${name}`), { code: "UnexpectedChallenge" }));
    user.authenticateUser(details, {
      onSuccess: (session, userConfirmationNecessary) => resolve({ session, userConfirmationNecessary }),
      onFailure: reject,
      newPasswordRequired: unexpected("NEW_PASSWORD_REQUIRED"),
      mfaRequired: unexpected("SMS_MFA"),
      totpRequired: unexpected("SOFTWARE_TOKEN_MFA"),
      mfaSetup: unexpected("MFA_SETUP"),
      selectMFAType: unexpected("SELECT_MFA_TYPE"),
      customChallenge: unexpected("CUSTOM_CHALLENGE"),
    });
  });
}

try {
  const first = new CognitoUser({ Username: username, Pool: pool });
  const { userConfirmationNecessary } = await signIn(first);
  const deviceKey = first.deviceKey;

  step = "setDeviceStatusRemembered";
  await new Promise((resolve, reject) =>
    first.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }),
  );

  step = "signOut";
  await new Promise((resolve, reject) => first.signOut((err) => (err ? reject(err) : resolve())));

  // A fresh CognitoUser, as after a page reload: only the library's storage
  // (the cached device key, group key and random password) carries over.
  phase = "second";
  step = "authenticateUser (remembered device)";
  const second = new CognitoUser({ Username: username, Pool: pool });
  const { session } = await signIn(second);

  step = "refreshSession";
  const refreshed = await new Promise((resolve, reject) =>
    second.refreshSession(session.getRefreshToken(), (err, s) => (err ? reject(err) : resolve(s))),
  );

  step = "listDevices";
  const listed = await new Promise((resolve, reject) =>
    second.listDevices(10, null, { onSuccess: resolve, onFailure: reject }),
  );

  console.log(
    JSON.stringify({
      calls,
      deviceKey,
      userConfirmationNecessary: userConfirmationNecessary ?? false,
      accessToken: session.getAccessToken().getJwtToken(),
      refreshedAccessToken: refreshed.getAccessToken().getJwtToken(),
      devices: listed.Devices,
    }),
  );
} catch (err) {
  fail(err);
}
