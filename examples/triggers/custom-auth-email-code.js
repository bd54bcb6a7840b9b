// Passwordless sign-in (CUSTOM_AUTH) with a code sent by email: one handler
// for the three custom-auth triggers (DefineAuthChallenge,
// CreateAuthChallenge, VerifyAuthChallengeResponse), told apart by
// triggerSource. Point all three LambdaConfig members at it.
//
// SEND_CODE_TO (a URL) receives {email, code} as JSON for the demo; on
// Lambda, send the email with SES instead.
"use strict";
const crypto = require("node:crypto");
const MAX_TRIES = 3;

async function sendCode(email, code) {
  const url = process.env.SEND_CODE_TO;
  if (!url) return;
  await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, code }),
  });
}

exports.handler = async (event) => {
  const session = event.request.session || [];
  switch (event.triggerSource) {
    case "DefineAuthChallenge_Authentication": {
      const last = session[session.length - 1];
      if (last && last.challengeName === "CUSTOM_CHALLENGE" && last.challengeResult) {
        event.response.issueTokens = true;
        event.response.failAuthentication = false;
      } else if (session.length >= MAX_TRIES) {
        event.response.issueTokens = false;
        event.response.failAuthentication = true;
      } else {
        event.response.issueTokens = false;
        event.response.failAuthentication = false;
        event.response.challengeName = "CUSTOM_CHALLENGE";
      }
      return event;
    }
    case "CreateAuthChallenge_Authentication": {
      // One code per sign-in: later rounds reuse the first (kept in metadata).
      const earlier = session.find((s) => (s.challengeMetadata || "").startsWith("CODE-"));
      const code = earlier
        ? earlier.challengeMetadata.slice(5)
        : String(crypto.randomInt(100000, 1000000));
      if (!earlier) await sendCode(event.request.userAttributes.email, code);
      event.response.publicChallengeParameters = { email: event.request.userAttributes.email };
      event.response.privateChallengeParameters = { code };
      event.response.challengeMetadata = `CODE-${code}`;
      return event;
    }
    case "VerifyAuthChallengeResponse_Authentication":
      event.response.answerCorrect =
        event.request.challengeAnswer === event.request.privateChallengeParameters.code;
      return event;
    default:
      throw new Error(`Unexpected trigger ${event.triggerSource}`);
  }
};
