// PreSignUp: only addresses of allowed domains may sign up; everyone else is
// refused with a message the app shows ("PreSignUp failed with error …").
"use strict";
const ALLOWED = (process.env.ALLOWED_DOMAINS || "example.com").split(",");

exports.handler = async (event) => {
  const email = event.request.userAttributes.email || "";
  const domain = email.split("@")[1];
  if (!ALLOWED.includes(domain)) {
    throw new Error(`Sign-up is open to ${ALLOWED.join(", ")} addresses only`);
  }
  return event;
};
