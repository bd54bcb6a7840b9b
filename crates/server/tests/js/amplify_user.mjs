// A user's life through Amplify (aws-amplify v6, `aws-amplify/auth`), the
// library most web apps use, pointed at kognit with `userPoolEndpoint`:
// signUp, confirmSignUp (code from kognit's developer outbox), signIn (SRP),
// getCurrentUser, fetchUserAttributes, fetchAuthSession (and a forced
// refresh), updateUserAttributes, a global signOut, resetPassword +
// confirmResetPassword, signIn again, and deleteUser; plus a wrong password.
//
//   node amplify_user.mjs <endpoint> <poolId> <clientId>
//
// Prints one JSON object with what each step returned; on an unexpected
// failure {"error": name, "message": …, "step": …} and exits 1. Amplify's
// warning about a custom endpoint goes to stderr.
import { Amplify } from "aws-amplify";
import {
  confirmResetPassword,
  confirmSignUp,
  deleteUser,
  fetchAuthSession,
  fetchUserAttributes,
  getCurrentUser,
  resetPassword,
  signIn,
  signOut,
  signUp,
  updateUserAttributes,
} from "aws-amplify/auth";

const [endpoint, poolId, clientId] = process.argv.slice(2);
if (!clientId) {
  console.error("usage: node amplify_user.mjs <endpoint> <poolId> <clientId>");
  process.exit(2);
}
Amplify.configure({
  Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: endpoint } },
});

const USER = "sam";
const PASSWORDS = ["Corr3ct-Horse!", "N3w-Password!"];
let step = "start";

async function latestCode() {
  const q = new URLSearchParams({ user_pool_id: poolId, username: USER });
  const r = await fetch(`${endpoint}/_dev/outbox/latest?${q}`);
  if (!r.ok) throw new Error(`outbox answered ${r.status}`);
  return (await r.json()).code;
}

const out = {};
try {
  step = "signUp";
  out.signUp = await signUp({
    username: USER,
    password: PASSWORDS[0],
    options: { userAttributes: { email: `${USER}@example.com` } },
  });
  step = "confirmSignUp";
  out.confirmSignUp = await confirmSignUp({ username: USER, confirmationCode: await latestCode() });
  step = "wrong password";
  out.wrongPassword = await signIn({ username: USER, password: "Wr0ng-Password!" }).then(
    () => null,
    (e) => e.name,
  );
  step = "signIn";
  out.signIn = await signIn({ username: USER, password: PASSWORDS[0] });
  out.currentUser = await getCurrentUser();
  out.attributes = await fetchUserAttributes();
  step = "fetchAuthSession";
  const session = await fetchAuthSession();
  out.idToken = session.tokens?.idToken?.payload ?? null;
  const refreshed = await fetchAuthSession({ forceRefresh: true });
  out.refreshed =
    !!refreshed.tokens?.accessToken &&
    refreshed.tokens.accessToken.toString() !== session.tokens?.accessToken?.toString();
  step = "updateUserAttributes";
  out.update = await updateUserAttributes({ userAttributes: { name: "Sam" } });
  out.attributesAfterUpdate = await fetchUserAttributes();
  step = "signOut";
  await signOut({ global: true });
  step = "resetPassword";
  out.resetPassword = await resetPassword({ username: USER });
  await confirmResetPassword({ username: USER, confirmationCode: await latestCode(), newPassword: PASSWORDS[1] });
  step = "signIn after reset";
  out.signInAfterReset = await signIn({ username: USER, password: PASSWORDS[1] });
  step = "deleteUser";
  await deleteUser();
  out.deleted = true;
} catch (e) {
  console.log(JSON.stringify({ error: e?.name ?? "Error", message: e?.message ?? String(e), step }));
  process.exit(1);
}
console.log(JSON.stringify(out));
