// PreAuthentication: at most MAX_SIGN_INS sign-ins per user per WINDOW_MS;
// further attempts are refused until the window has passed. The count lives
// in this process (a webhook); on Lambda, keep it in a table instead.
"use strict";
const MAX_SIGN_INS = Number(process.env.MAX_SIGN_INS || 3);
const WINDOW_MS = Number(process.env.WINDOW_MS || 3600000);
const recent = new Map();

exports.handler = async (event) => {
  const key = `${event.userPoolId}/${event.userName}`;
  const now = Date.now();
  const times = (recent.get(key) || []).filter((t) => now - t < WINDOW_MS);
  if (times.length >= MAX_SIGN_INS) {
    throw new Error("Too many sign-ins, try again later");
  }
  times.push(now);
  recent.set(key, times);
  return event;
};
