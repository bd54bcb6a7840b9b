// PreSignUp: users who sign up with an invitation code are confirmed at once
// and their email marked verified; no confirmation code is sent to them.
"use strict";
const CODE = process.env.INVITATION_CODE || "WELCOME-2026";

exports.handler = async (event) => {
  const given = (event.request.validationData || {}).invitation;
  if (given === CODE) {
    event.response.autoConfirmUser = true;
    if (event.request.userAttributes.email) {
      event.response.autoVerifyEmail = true;
    }
  }
  return event;
};
