//! Lambda function ARNs, invoked through the AWS Lambda Invoke API
//! (`POST /2015-03-31/functions/<ARN>/invocations`, SigV4 for service
//! `lambda` in the ARN's region), so functions written for Cognito run
//! unchanged on AWS, under `sam local start-lambda` or on LocalStack.
//! <https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html>
//!
//! The endpoint follows the AWS SDKs' convention: `AWS_ENDPOINT_URL_LAMBDA`,
//! else `AWS_ENDPOINT_URL`, else `[lambda] endpoint_url`, else
//! `https://lambda.<region>.amazonaws.com`. Credentials are the standard
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
//! A function error (`X-Amz-Function-Error`) is a function that threw.

use kognit_core::sigv4::{self, Credentials, SignedRequest};
use kognit_core::triggers::{InvokeFailure, TriggerCall};
use serde_json::Value;

/// Where and as whom Lambda ARNs are invoked.
#[derive(Debug, Clone)]
pub struct LambdaEndpoint {
    /// A fixed endpoint; None for AWS's regional one.
    endpoint: Option<String>,
    credentials: Option<Credentials>,
}

impl LambdaEndpoint {
    /// The endpoint from the environment (the SDKs' variables first), then
    /// `configured`; the credentials given, else those of the environment.
    pub fn from_env(configured: Option<&str>, credentials: Option<Credentials>) -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let endpoint = var("AWS_ENDPOINT_URL_LAMBDA")
            .or_else(|| var("AWS_ENDPOINT_URL"))
            .or_else(|| configured.map(str::to_owned))
            .map(|e| e.trim_end_matches('/').to_owned());
        let credentials = credentials.or_else(|| {
            Some(Credentials {
                access_key_id: var("AWS_ACCESS_KEY_ID")?,
                secret_access_key: var("AWS_SECRET_ACCESS_KEY")?,
                session_token: var("AWS_SESSION_TOKEN"),
            })
        });
        Self {
            endpoint,
            credentials,
        }
    }

    /// Invokes the function `call.target` names, synchronously.
    pub(super) async fn invoke(
        &self,
        http: &reqwest::Client,
        call: &TriggerCall<'_>,
        now_ms: i64,
    ) -> Result<Value, InvokeFailure> {
        let region = region_of(call.target).ok_or_else(|| {
            InvokeFailure::Unreachable(format!(
                "Invalid function ARN {} (not a Lambda ARN nor a URL)",
                call.target
            ))
        })?;
        let credentials = self.credentials.as_ref().ok_or_else(|| {
            InvokeFailure::Unreachable(
                "No AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) to invoke Lambda function"
                    .into(),
            )
        })?;
        let base = match &self.endpoint {
            Some(e) => e.clone(),
            None => format!("https://lambda.{region}.amazonaws.com"),
        };
        let path = format!("/2015-03-31/functions/{}/invocations", encode(call.target));
        let url = format!("{base}{path}");
        let host = host_of(&base);
        let body = serde_json::to_vec(call.event)
            .map_err(|_| InvokeFailure::Unreachable("Cannot encode the event".into()))?;
        let headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("host".to_owned(), host),
            (
                "x-amz-invocation-type".to_owned(),
                "RequestResponse".to_owned(),
            ),
        ];
        let when = time::OffsetDateTime::from_unix_timestamp(now_ms.div_euclid(1000))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let signed = sigv4::sign(
            &SignedRequest {
                method: "POST",
                path: &path,
                query: None,
                headers: &headers,
                body: &body,
            },
            credentials,
            region,
            "lambda",
            when,
        );
        let mut req = http.post(&url).body(body);
        for (name, value) in headers.iter().chain(&signed) {
            if name != "host" {
                req = req.header(name, value);
            }
        }
        let resp = req.send().await.map_err(|e| super::unreachable(&e))?;
        let status = resp.status();
        let function_error = resp.headers().contains_key("x-amz-function-error");
        let bytes = resp.bytes().await.map_err(|e| super::unreachable(&e))?;
        if !status.is_success() {
            return Err(InvokeFailure::Unreachable(format!(
                "Lambda answered HTTP {} while invoking Lambda function",
                status.as_u16()
            )));
        }
        if function_error {
            return Err(super::thrown(&bytes).unwrap_or(InvokeFailure::Threw {
                message: "Unhandled".into(),
            }));
        }
        super::answer(&bytes)
    }
}

/// The region of `arn:<partition>:lambda:<region>:<account>:function:<name>`.
fn region_of(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    let (Some("arn"), Some(_), Some("lambda"), Some(region), Some(_), Some("function"), Some(_)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    Some(region).filter(|r| !r.is_empty())
}

/// The `host[:port]` of a base URL, as the Host header carries it.
fn host_of(base: &str) -> String {
    let rest = base.split_once("://").map_or(base, |(_, r)| r);
    rest.split('/').next().unwrap_or_default().to_owned()
}

/// Percent-encodes a path segment as the AWS SDKs do (RFC 3986 unreserved
/// characters kept).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_hosts_and_paths() {
        assert_eq!(
            region_of("arn:aws:lambda:eu-west-1:123456789012:function:pre-sign-up"),
            Some("eu-west-1")
        );
        assert_eq!(
            region_of("arn:aws:lambda:eu-west-1:123456789012:function:f:live"),
            Some("eu-west-1")
        );
        assert_eq!(region_of("arn:aws:sns:eu-west-1:123456789012:topic"), None);
        assert_eq!(host_of("http://127.0.0.1:3001"), "127.0.0.1:3001");
        assert_eq!(
            host_of("https://lambda.us-east-1.amazonaws.com"),
            "lambda.us-east-1.amazonaws.com"
        );
        assert_eq!(
            encode("arn:aws:lambda:us-east-1:1:function:f"),
            "arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af"
        );
    }
}
