// Signs in to kognit the way a browser app does: amazon-cognito-identity-js's
// CognitoUser.authenticateUser with its default USER_SRP_AUTH flow
// (InitiateAuth → PASSWORD_VERIFIER → RespondToAuthChallenge), then
// refreshSession (REFRESH_TOKEN_AUTH) and getUserAttributes (GetUser).
//
//   node srp_sign_in.mjs <endpoint> <poolId> <clientId> <username> <password>
//
// Prints one JSON object: on success the tokens, the refreshed tokens and the
// user's attributes; on failure {"error": code, "message": …, "step": …} and
// exits 1. Node 20's global fetch is used (isomorphic-unfetch keeps it).
import cognito from "amazon-cognito-identity-js";

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

const [endpoint, poolId, clientId, username, password] = process.argv.slice(2);
if (!password) {
  console.error("usage: node srp_sign_in.mjs <endpoint> <poolId> <clientId> <username> <password>");
  process.exit(2);
}

function fail(step, err) {
  const out = {
    error: err?.code ?? err?.name ?? "Error",
    message: err?.message ?? String(err),
    step,
  };
  console.log(JSON.stringify(out));
  process.exit(1);
}

function tokens(session) {
  return {
    idToken: session.getIdToken().getJwtToken(),
    accessToken: session.getAccessToken().getJwtToken(),
    refreshToken: session.getRefreshToken().getToken(),
  };
}

const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });
const user = new CognitoUser({ Username: username, Pool: pool });
const details = new AuthenticationDetails({ Username: username, Password: password });

let step = "authenticateUser";
try {
  // authenticationFlowType defaults to USER_SRP_AUTH; make it explicit anyway.
  user.setAuthenticationFlowType("USER_SRP_AUTH");
  const session = await new Promise((resolve, reject) => {
    const unexpected = (name) => () =>
      reject(Object.assign(new Error(`unexpected challenge ${name}`), { code: "UnexpectedChallenge" }));
    user.authenticateUser(details, {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: unexpected("NEW_PASSWORD_REQUIRED"),
      mfaRequired: unexpected("SMS_MFA"),
      totpRequired: unexpected("SOFTWARE_TOKEN_MFA"),
      mfaSetup: unexpected("MFA_SETUP"),
      selectMFAType: unexpected("SELECT_MFA_TYPE"),
      customChallenge: unexpected("CUSTOM_CHALLENGE"),
    });
  });
  const signedIn = tokens(session);

  step = "getUserAttributes";
  const attrs = await new Promise((resolve, reject) =>
    user.getUserAttributes((err, list) => (err ? reject(err) : resolve(list))),
  );
  const attributes = Object.fromEntries(attrs.map((a) => [a.getName(), a.getValue()]));

  step = "refreshSession";
  const refreshed = await new Promise((resolve, reject) =>
    user.refreshSession(session.getRefreshToken(), (err, s) => (err ? reject(err) : resolve(s))),
  );

  console.log(
    JSON.stringify({
      ...signedIn,
      username: user.getUsername(),
      attributes,
      refreshed: tokens(refreshed),
    }),
  );
} catch (err) {
  fail(step, err);
}
