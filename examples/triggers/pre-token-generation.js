// PreTokenGeneration: adds a `tenant` claim (taken from custom:tenant) to
// the ID token, and (event versions 2 and 3) to the access token with a scope.
"use strict";
exports.handler = async (event) => {
  const tenant = event.request.userAttributes["custom:tenant"] || "public";
  if (event.version === "1") {
    event.response = {
      claimsOverrideDetails: { claimsToAddOrOverride: { tenant } },
    };
  } else {
    event.response = {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: { tenant } },
        accessTokenGeneration: {
          claimsToAddOrOverride: { tenant },
          scopesToAdd: [`tenant/${tenant}`],
        },
      },
    };
  }
  return event;
};
