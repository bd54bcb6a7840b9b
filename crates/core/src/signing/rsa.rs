//! RSA keys for RS256 (RSASSA-PKCS1-v1_5 with SHA-256), the one algorithm
//! Cognito signs user-pool tokens with, and their public JWK form.
//! <https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html>
//!
//! This is the RSA part of kognit's crypto facade (beside `crate::crypto`):
//! nothing else in kognit touches aws-lc-rs's RSA API.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{
    KeyPair as _, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256,
};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL};
use serde_json::{Value, json};

use crate::crypto::sha256;
use crate::{Error, Result};

/// The JWS `alg` of every kognit token.
pub const ALG: &str = "RS256";

/// An RSA private key that signs with RS256.
pub struct PrivateKey {
    pair: KeyPair,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey(..)")
    }
}

impl PrivateKey {
    /// A new random 2048-bit key (Cognito's size). Slow (tens to hundreds of
    /// milliseconds): async callers run it on the blocking pool.
    pub fn generate() -> Result<Self> {
        KeyPair::generate(KeySize::Rsa2048)
            .map(|pair| Self { pair })
            .map_err(|_| Error::internal("RSA key generation failed"))
    }

    /// Parses a PKCS#8 (RFC 5208) private key.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self> {
        KeyPair::from_pkcs8(der)
            .map(|pair| Self { pair })
            .map_err(|e| Error::internal(format!("stored RSA key rejected: {e}")))
    }

    /// Reads a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`, what
    /// `openssl genpkey -algorithm RSA` writes) or PKCS#1 (`BEGIN RSA
    /// PRIVATE KEY`). InvalidParameterException saying what is wrong, for
    /// keys an operator gives (a seed file's).
    pub fn from_pem(pem: &str) -> Result<Self> {
        let bad = |why: &str| Error::invalid_parameter(format!("not an RSA private key: {why}"));
        let text = pem.trim();
        let (label, body) = text
            .strip_prefix("-----BEGIN ")
            .and_then(|t| t.split_once("-----"))
            .ok_or_else(|| bad("no -----BEGIN …----- line"))?;
        let end = format!("-----END {label}-----");
        let body = body
            .trim()
            .strip_suffix(end.as_str())
            .ok_or_else(|| bad(&format!("no {end} line")))?;
        let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let der = B64
            .decode(b64)
            .map_err(|_| bad("the text between the lines is not base64"))?;
        let pair = match label {
            "PRIVATE KEY" => KeyPair::from_pkcs8(&der),
            "RSA PRIVATE KEY" => KeyPair::from_der(&der),
            other => return Err(bad(&format!("a PEM {other}, not a PRIVATE KEY"))),
        }
        .map_err(|e| bad(&e.to_string()))?;
        if pair.public_modulus_len() < 256 {
            return Err(bad("shorter than 2048 bits"));
        }
        Ok(Self { pair })
    }

    /// The key as PEM (PKCS#8), as [`PrivateKey::from_pem`] reads it.
    pub fn to_pem(&self) -> Result<String> {
        let b64 = B64.encode(self.to_pkcs8()?);
        let mut out = String::from("-----BEGIN PRIVATE KEY-----\n");
        for line in b64.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str("-----END PRIVATE KEY-----\n");
        Ok(out)
    }

    /// The key in PKCS#8 form, for sealing at rest.
    pub fn to_pkcs8(&self) -> Result<Vec<u8>> {
        self.pair
            .as_der()
            .map(|der| der.as_ref().to_vec())
            .map_err(|_| Error::internal("RSA key export failed"))
    }

    /// The RS256 signature of `msg`.
    pub fn sign(&self, msg: &[u8]) -> Result<Vec<u8>> {
        let mut sig = vec![0u8; self.pair.public_modulus_len()];
        // aws-lc ignores the RNG argument (PKCS#1 v1.5 signing is deterministic).
        self.pair
            .sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), msg, &mut sig)
            .map_err(|_| Error::internal("RSA signing failed"))?;
        Ok(sig)
    }

    /// The matching public key.
    pub fn public_key(&self) -> Result<PublicKey> {
        let c = PublicKeyComponents::<Vec<u8>>::from(self.pair.public_key());
        PublicKey::from_components(&c.n, &c.e)
    }
}

/// An RSA public key that verifies RS256 signatures, parsed once so that
/// verification on the hot path costs only the modular exponentiation.
pub struct PublicKey {
    n: Vec<u8>,
    e: Vec<u8>,
    parsed: ParsedPublicKey,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({} bits)", self.n.len() * 8)
    }
}

impl PublicKey {
    /// The key with this modulus and exponent (big-endian bytes); leading
    /// zero bytes are ignored. Keys below 2048 bits are refused at verification.
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<Self> {
        let n = strip_leading_zeros(n).to_vec();
        let e = strip_leading_zeros(e).to_vec();
        let parsed = PublicKeyComponents {
            n: &n[..],
            e: &e[..],
        }
        .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
        .map_err(|err| Error::internal(format!("RSA public key rejected: {err}")))?;
        Ok(Self { n, e, parsed })
    }

    /// Reads an RSA JWK (`kty` RSA, `n`, `e` in base64url); returns its `kid`
    /// (empty when absent) and the key.
    pub fn from_jwk(jwk: &Value) -> Result<(String, Self)> {
        let field = |name: &str| jwk.get(name).and_then(Value::as_str);
        if field("kty") != Some("RSA") {
            return Err(Error::internal("JWK is not an RSA key"));
        }
        let decode = |name: &str| {
            field(name)
                .and_then(|s| B64URL.decode(s).ok())
                .ok_or_else(|| Error::internal(format!("JWK member {name} is not base64url")))
        };
        let key = Self::from_components(&decode("n")?, &decode("e")?)?;
        Ok((field("kid").unwrap_or_default().to_owned(), key))
    }

    /// True when `sig` is a valid RS256 signature of `msg` under this key.
    pub fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        self.parsed.verify_sig(msg, sig).is_ok()
    }

    /// The public JWK as Cognito's JWKS lists it: `kty`, `alg`, `use`, `kid`,
    /// and `n`/`e` as unpadded base64url of the big-endian integers (RFC 7518 §6.3.1).
    pub fn jwk(&self, kid: &str) -> Value {
        json!({
            "alg": ALG,
            "e": B64URL.encode(&self.e),
            "kid": kid,
            "kty": "RSA",
            "n": B64URL.encode(&self.n),
            "use": "sig",
        })
    }

    /// A key id derived from the key: the RFC 7638 SHA-256 thumbprint in
    /// standard base64, the 44-character shape of Cognito's own `kid`s
    /// (`"1234example="` in the docs).
    pub fn thumbprint_kid(&self) -> String {
        // RFC 7638: the required members in lexicographic order, no whitespace.
        let canonical = format!(
            r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
            B64URL.encode(&self.e),
            B64URL.encode(&self.n)
        );
        B64.encode(sha256(canonical.as_bytes()))
    }
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[first..]
}
