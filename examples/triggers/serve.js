// Serves one trigger handler as a kognit webhook, with nothing but Node's
// standard library:
//
//   node serve.js pre-sign-up-allow-list.js 8081
//   # then LambdaConfig { PreSignUp: "http://127.0.0.1:8081/" }
//
// The handler module is written as for AWS Lambda (`exports.handler = async
// (event) => event`), so the same file deploys to Lambda unchanged.
//
// With KOGNIT_TRIGGER_SECRET set (the pool's secret, from
// `Kognit.GetTriggerSecret`), a call whose X-Kognit-Signature does not match
// or is older than five minutes is refused with 401.
"use strict";
const http = require("node:http");
const crypto = require("node:crypto");
const path = require("node:path");

const [file, port = "0"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node serve.js <handler.js> [port]");
  process.exit(2);
}
const { handler } = require(path.resolve(__dirname, file));
const secret = process.env.KOGNIT_TRIGGER_SECRET;

function signedByKognit(header, body) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header || "");
  if (!m) return false;
  const age = Math.abs(Date.now() / 1000 - Number(m[1]));
  const mac = crypto.createHmac("sha256", secret).update(`${m[1]}.`).update(body).digest();
  const given = Buffer.from(m[2], "hex");
  return age < 300 && given.length === mac.length && crypto.timingSafeEqual(given, mac);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    const body = Buffer.concat(chunks);
    const reply = (status, value) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (secret && !signedByKognit(req.headers["x-kognit-signature"], body)) {
      return reply(401, { errorType: "Unauthorized", errorMessage: "bad signature" });
    }
    try {
      const event = JSON.parse(body.toString("utf8"));
      reply(200, await handler(event));
    } catch (err) {
      // A throwing handler fails the Cognito operation, as on Lambda.
      reply(500, { errorType: err.name || "Error", errorMessage: err.message });
    }
  });
});
server.listen(Number(port), "127.0.0.1", () => {
  // The first line says where it listens (tests read it).
  console.log(`listening on http://127.0.0.1:${server.address().port}/`);
});
