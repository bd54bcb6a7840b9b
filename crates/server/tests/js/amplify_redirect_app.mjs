// A browser app that signs in with Amplify v6's signInWithRedirect against
// kognit's hosted login (bundled by bundle_amplify_redirect.mjs and served
// by crates/server/tests/integration/js_amplify_redirect.rs). Its
// configuration comes from the page (`<script id="cfg" type="application/json">`):
// { userPoolId, userPoolClientId, userPoolEndpoint, domain, redirect }.
// The button starts the redirect; back on the page with a code, Amplify
// exchanges it at the token endpoint and the result is written to #result.
import { Amplify } from "aws-amplify";
import {
  fetchAuthSession,
  fetchUserAttributes,
  getCurrentUser,
  signInWithRedirect,
  signOut,
} from "aws-amplify/auth";
import { Hub } from "aws-amplify/utils";

const cfg = JSON.parse(document.getElementById("cfg").textContent);
Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: cfg.userPoolId,
      userPoolClientId: cfg.userPoolClientId,
      userPoolEndpoint: cfg.userPoolEndpoint,
      loginWith: {
        oauth: {
          domain: cfg.domain,
          scopes: ["openid", "email", "aws.cognito.signin.user.admin"],
          redirectSignIn: [cfg.redirect],
          redirectSignOut: [cfg.redirect],
          responseType: "code",
        },
      },
    },
  },
});

function show(value) {
  const el = document.getElementById("result");
  el.textContent = JSON.stringify(value);
  el.dataset.done = "true";
}

Hub.listen("auth", async ({ payload }) => {
  try {
    if (payload.event === "signInWithRedirect") {
      const user = await getCurrentUser();
      const session = await fetchAuthSession();
      const attributes = await fetchUserAttributes();
      show({
        user,
        attributes,
        idToken: session.tokens?.idToken?.payload ?? null,
        accessToken: session.tokens?.accessToken?.payload ?? null,
      });
    } else if (payload.event === "signInWithRedirect_failure") {
      show({ failure: String(payload.data?.error ?? payload.data) });
    }
  } catch (e) {
    show({ failure: String(e) });
  }
});

document.getElementById("go").addEventListener("click", () => {
  signInWithRedirect().catch((e) => show({ failure: String(e) }));
});
document.getElementById("out").addEventListener("click", () => {
  signOut().catch((e) => show({ failure: String(e) }));
});
