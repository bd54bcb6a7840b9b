// UserMigration: users of an old system sign in with their old password and
// are created on the fly (on sign-in), or get a reset code (forgot password).
// OLD_USERS stands in for the old system's user table or login API.
"use strict";
const OLD_USERS = {
  "old.user@example.com": { password: "Old-Passw0rd!", name: "Old User" },
};

exports.handler = async (event) => {
  const user = OLD_USERS[event.userName];
  if (!user) throw new Error("Unknown user");
  if (event.triggerSource === "UserMigration_Authentication") {
    if (event.request.password !== user.password) throw new Error("Bad password");
    event.response.finalUserStatus = "CONFIRMED";
  } else if (event.triggerSource === "UserMigration_ForgotPassword") {
    event.response.finalUserStatus = "RESET_REQUIRED";
  }
  event.response.userAttributes = {
    email: event.userName,
    email_verified: "true",
    name: user.name,
  };
  event.response.messageAction = "SUPPRESS";
  return event;
};
