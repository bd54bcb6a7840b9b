// CustomMessage: a branded sign-up email. The code placeholder
// (event.request.codeParameter, "{####}") must stay in the message; Cognito
// (and kognit) put the code there.
"use strict";
exports.handler = async (event) => {
  const code = event.request.codeParameter;
  const name = event.request.userAttributes.given_name || event.userName;
  if (event.triggerSource === "CustomMessage_SignUp") {
    event.response.emailSubject = "Welcome to Example";
    event.response.emailMessage = `Hi ${name}, your Example code is ${code}.`;
  } else if (event.triggerSource === "CustomMessage_AdminCreateUser") {
    const username = event.request.usernameParameter;
    event.response.emailSubject = "Your Example account";
    event.response.emailMessage = `Sign in as ${username} with the password ${code}.`;
  }
  return event;
};
