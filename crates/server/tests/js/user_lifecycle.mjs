// A user's self-service life through amazon-cognito-identity-js, as a
// browser app lives it: CognitoUserPool.signUp, resendConfirmationCode,
// confirmRegistration (codes read from kognit's developer outbox), sign-in,
// updateAttributes, getAttributeVerificationCode + verifyAttribute,
// deleteAttributes, changePassword, forgotPassword + confirmPassword, and
// deleteUser; plus the errors an app shows (a wrong code, a taken username).
//
//   node user_lifecycle.mjs <endpoint> <poolId> <clientId>
//
// Prints one JSON object with what each step saw; on an unexpected failure
// {"error": code, "message": …, "step": …} and exits 1.
import cognito from "amazon-cognito-identity-js";

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = cognito;

const [endpoint, poolId, clientId] = process.argv.slice(2);
if (!clientId) {
  console.error("usage: node user_lifecycle.mjs <endpoint> <poolId> <clientId>");
  process.exit(2);
}

const USER = "rosa";
const PASSWORDS = ["Corr3ct-Horse!", "N3w-Password!", "Th1rd-Password!"];
let step = "start";

function fail(err) {
  console.log(
    JSON.stringify({ error: err?.code ?? err?.name ?? "Error", message: err?.message ?? String(err), step }),
  );
  process.exit(1);
}

async function latestCode() {
  const q = new URLSearchParams({ user_pool_id: poolId, username: USER });
  const r = await fetch(`${endpoint}/_dev/outbox/latest?${q}`);
  if (!r.ok) throw new Error(`outbox answered ${r.status}`);
  return (await r.json()).code;
}

// A node-style call as a promise.
const call = (f) => new Promise((resolve, reject) => f((err, res) => (err ? reject(err) : resolve(res))));
// A {onSuccess, onFailure} call as a promise.
const cb = (f) => new Promise((resolve, reject) => f({ onSuccess: resolve, onFailure: reject }));
// The error code a promise fails with, or null.
const errorCode = (p) => p.then(() => null, (err) => err?.code ?? err?.name ?? "Error");

const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });
const user = () => new CognitoUser({ Username: USER, Pool: pool });
const attr = (Name, Value) => new CognitoUserAttribute({ Name, Value });

async function signIn(password) {
  const u = user();
  const details = new AuthenticationDetails({ Username: USER, Password: password });
  await cb((c) => u.authenticateUser(details, c));
  return u;
}

async function attributes(u) {
  const list = await call((done) => u.getUserAttributes(done));
  return Object.fromEntries(list.map((a) => [a.getName(), a.getValue()]));
}

const out = {};
try {
  step = "signUp";
  const signedUp = await call((done) =>
    pool.signUp(USER, PASSWORDS[0], [attr("email", `${USER}@example.com`), attr("name", "Rosa")], null, done),
  );
  out.userConfirmed = signedUp.userConfirmed;
  out.userSub = signedUp.userSub;
  out.delivery = signedUp.codeDeliveryDetails;
  out.taken = await errorCode(call((done) => pool.signUp(USER, PASSWORDS[0], [attr("email", "x@example.com")], null, done)));

  step = "resendConfirmationCode";
  await call((done) => user().resendConfirmationCode(done));
  step = "confirmRegistration";
  const code = await latestCode();
  const wrong = code === "000000" ? "111111" : "000000";
  out.wrongCode = await errorCode(call((done) => user().confirmRegistration(wrong, true, done)));
  out.confirmed = await call((done) => user().confirmRegistration(code, true, done));

  step = "sign in";
  let u = await signIn(PASSWORDS[0]);
  out.attributesAfterSignUp = await attributes(u);

  step = "updateAttributes";
  await call((done) => u.updateAttributes([attr("email", `${USER}.new@example.com`), attr("given_name", "R")], done));
  out.attributesAfterUpdate = await attributes(u);

  step = "verifyAttribute";
  await new Promise((resolve, reject) =>
    u.getAttributeVerificationCode("email", { onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }),
  );
  const emailCode = await latestCode();
  await cb((c) => u.verifyAttribute("email", emailCode, c));
  out.attributesAfterVerify = await attributes(u);

  step = "deleteAttributes";
  await call((done) => u.deleteAttributes(["given_name"], done));
  out.attributesAfterDelete = await attributes(u);

  step = "changePassword";
  await call((done) => u.changePassword(PASSWORDS[0], PASSWORDS[1], done));
  out.oldPasswordAfterChange = await errorCode(signIn(PASSWORDS[0]));

  step = "forgotPassword";
  await new Promise((resolve, reject) =>
    user().forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }),
  );
  const resetCode = await latestCode();
  await cb((c) => user().confirmPassword(resetCode, PASSWORDS[2], c));
  out.passwordAfterReset = await errorCode(signIn(PASSWORDS[1]));

  step = "deleteUser";
  u = await signIn(PASSWORDS[2]);
  out.deleted = await call((done) => u.deleteUser(done));
  out.signInAfterDelete = await errorCode(signIn(PASSWORDS[2]));
} catch (err) {
  fail(err);
}
console.log(JSON.stringify(out));
