//! Webhook triggers (a kognit extension): the event is POSTed as JSON to the
//! URL `LambdaConfig` names, and the answer read as a Lambda's.
//!
//! The request carries `X-Kognit-Trigger: <name>` and
//! `X-Kognit-Signature: t=<unix seconds>,v1=<hex>`, where `<hex>` is
//! HMAC-SHA256 under the pool's trigger secret (`Kognit.GetTriggerSecret`)
//! of `<t>.<body>`: a receiver recomputes it, compares in constant time and
//! refuses old `t`s, so only kognit can call it and a recorded call cannot be
//! replayed later. The secret itself is never sent.
//!
//! A 2xx answer is the returned event (a JSON object). Any other status
//! whose JSON body has `errorMessage` is a function that threw, as a
//! Lambda's error answer; other failures are an unreachable function.

use kognit_core::crypto::hmac_sha256;
use kognit_core::triggers::{InvokeFailure, TriggerCall};
use serde_json::Value;

/// The signature header's value for `body` sent at `unix_seconds`.
pub fn signature(secret: &[u8], unix_seconds: i64, body: &[u8]) -> String {
    let mut signed = format!("{unix_seconds}.").into_bytes();
    signed.extend_from_slice(body);
    format!(
        "t={unix_seconds},v1={}",
        hex::encode(hmac_sha256(secret, &signed))
    )
}

/// POSTs the event to `url` and reads the answer.
pub(super) async fn call(
    http: &reqwest::Client,
    url: &str,
    call: &TriggerCall<'_>,
    now_ms: i64,
) -> Result<Value, InvokeFailure> {
    let body = serde_json::to_vec(call.event)
        .map_err(|_| InvokeFailure::Unreachable("Cannot encode the event".into()))?;
    let sig = signature(call.secret, now_ms / 1000, &body);
    let resp = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("x-kognit-trigger", call.trigger.name())
        .header("x-kognit-signature", sig)
        .body(body)
        .send()
        .await
        .map_err(|e| super::unreachable(&e))?;
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(|e| super::unreachable(&e))?;
    if status.is_success() {
        return super::answer(&bytes);
    }
    Err(super::thrown(&bytes).unwrap_or_else(|| {
        InvokeFailure::Unreachable(format!(
            "Webhook answered HTTP {} while invoking Lambda function",
            status.as_u16()
        ))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_of_time_and_body() {
        let sig = signature(b"secret", 1_700_000_000, b"{}");
        let expected = hex::encode(hmac_sha256(b"secret", b"1700000000.{}"));
        assert_eq!(sig, format!("t=1700000000,v1={expected}"));
    }
}
