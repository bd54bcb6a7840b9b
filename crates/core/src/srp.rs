//! The server side of Cognito's SRP-6a variant, used by `USER_SRP_AUTH` and device
//! authentication (<https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html>).
//!
//! Cognito's clients (amazon-cognito-identity-js `AuthenticationHelper`, the AWS SDKs'
//! helpers) fix the details: RFC 5054's 3072-bit group with `g = 2`, SHA-256,
//! `k = H(PAD(N) ‖ PAD(g))`, `x = H(PAD(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password))`,
//! `u = H(PAD(A) ‖ PAD(B))`, and a one-block HKDF with the info string
//! `"Caldera Derived Key"` that yields a 16-byte key. `PAD` is Java's
//! `BigInteger.toByteArray`: minimal big-endian bytes, with a leading `0x00` when the
//! top bit is set. Every byte string here is read as a big-endian number, so leading
//! zero bytes carry no meaning.
//!
//! Exponentiations use `crypto-bigint`'s constant-time Montgomery arithmetic with
//! 256-bit exponents (the secret `b`, `x` and `u` are all 256 bits). Each costs a
//! millisecond or more of CPU (BENCHMARKS.md, "SRP and crypto") — powers of `g`
//! (the verifier, `g^b`) about a quarter of that, from a table ([`pow_g`]) — so
//! callers run
//! [`verifier`], [`SrpSecret::new`], [`ServerChallenge::start`] and
//! [`ServerChallenge::session_key`] on the blocking pool.

use std::sync::LazyLock;

use aws_lc_rs::hmac;
use crypto_bigint::modular::ConstMontyForm;
use crypto_bigint::{CtAssign, CtEq, U256, U3072};

use crate::crypto::{random_bytes, sha256};

/// RFC 5054's 3072-bit prime (the RFC 3526 MODP group 15 prime).
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1",
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245",
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D",
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D",
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9",
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B",
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31",
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// The group prime as an integer.
const N: U3072 = U3072::from_be_hex(N_HEX);

mod group {
    // Montgomery parameters computed at compile time; the macro defines a public type,
    // kept out of the module's API by this private module.
    crypto_bigint::const_monty_params!(
        Modulus,
        crypto_bigint::U3072,
        super::N_HEX,
        "The SRP group's prime N."
    );
}

/// A residue modulo N.
type Fe = ConstMontyForm<group::Modulus, { U3072::LIMBS }>;

/// The generator, g = 2.
const G: u8 = 2;

/// Powers of g for [`pow_g`]: row `i` holds `g^(j·16^i)` for `j` = 0…15, one row
/// per 4-bit digit of a 256-bit exponent (64 × 16 residues, 384 KiB), computed once.
static G_POWERS: LazyLock<Vec<[Fe; 16]>> = LazyLock::new(|| {
    let mut rows = Vec::with_capacity(64);
    // g^(16^i) for the row being filled.
    let mut base = Fe::new(&U3072::from_u8(G));
    for _ in 0..64 {
        let mut row = [Fe::ONE; 16];
        for j in 1..16 {
            row[j] = row[j - 1].mul(&base);
        }
        base = row[15].mul(&base);
        rows.push(row);
    }
    rows
});

/// `g^e`, from [`G_POWERS`]: each 4-bit digit of `e` picks one entry of its row, and
/// the result is the product of the 64 picks — 64 multiplications where a generic
/// exponentiation makes 256 squarings and 64 multiplications (sign-up's verifier and
/// the `B` of every SRP sign-in are such powers). Constant time: every entry of a
/// row is read, and the one kept is chosen by a constant-time comparison.
fn pow_g(e: &U256) -> Fe {
    let mut acc = Fe::ONE;
    for (i, row) in G_POWERS.iter().enumerate() {
        let word = e.as_words()[i / 16];
        let digit = (word >> (4 * (i % 16))) & 0xF;
        let mut pick = Fe::ONE;
        for (j, entry) in (0..).zip(row) {
            pick.ct_assign(entry, CtEq::ct_eq(&j, &digit));
        }
        acc = acc.mul(&pick);
    }
    acc
}

/// The SRP-6a multiplier k = H(PAD(N) ‖ PAD(g)).
static K: LazyLock<Fe> = LazyLock::new(|| {
    let k = hash(&[&pad(&N.to_be_bytes()), &[G]]);
    Fe::new(&widen(&k))
});

/// Why an SRP exchange could not complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SrpError {
    /// The client's public value A is zero modulo N or longer than 3072 bits.
    #[error("SRP_A is not a valid public value")]
    InvalidA,
    /// The stored verifier is not a residue modulo N (a corrupt record).
    #[error("the stored SRP verifier is malformed")]
    InvalidVerifier,
    /// The scrambling parameter u = H(A ‖ B) came out zero (probability 2^-256).
    #[error("SRP scrambling parameter is zero")]
    ZeroU,
}

/// The pool name Cognito mixes into `x` and the claim signature: the part of the user
/// pool id after `_` (`us-east-1_AbC123` → `AbC123`).
pub fn pool_name(pool_id: &str) -> &str {
    pool_id.split_once('_').map_or(pool_id, |(_, name)| name)
}

/// A fresh 16-byte salt for [`verifier`].
///
/// Its first byte is never zero, so its bytes are also its minimal big-endian encoding:
/// clients that read `SALT` as a number (amazon-cognito-identity-js) and clients that
/// read it as bytes (the `aws-cognito-srp` crate) then hash the same `PAD(salt)`.
pub fn new_salt() -> Vec<u8> {
    let mut salt = random_bytes(16);
    while salt.first() == Some(&0) {
        salt = random_bytes(16);
    }
    salt
}

/// The password verifier `PAD(g^x mod N)` with
/// `x = H(PAD(salt) ‖ H(pool_name ‖ user_id_for_srp ‖ ":" ‖ password))`.
///
/// For remembered devices Cognito uses the same formula with the device group key and
/// the device key in place of the pool name and user id. One exponentiation.
pub fn verifier(pool_name: &str, user_id_for_srp: &str, password: &str, salt: &[u8]) -> Vec<u8> {
    let identity = hash(&[
        pool_name.as_bytes(),
        user_id_for_srp.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    let x = U256::from_be_slice(&hash(&[&pad(salt), &identity]));
    pad(&pow_g(&x).retrieve().to_be_bytes())
}

/// A user's SRP salt and verifier, stored (sealed) beside the password hash.
#[derive(Clone, PartialEq, Eq)]
pub struct SrpSecret {
    /// The salt, sent to the client as `SALT`.
    pub salt: Vec<u8>,
    /// `PAD(g^x mod N)`, see [`verifier`].
    pub verifier: Vec<u8>,
}

impl std::fmt::Debug for SrpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A verifier allows an offline guessing attack on the password: keep it out of logs.
        f.write_str("SrpSecret(..)")
    }
}

impl SrpSecret {
    /// A new salt and the verifier of `password` under it (one exponentiation).
    pub fn new(pool_name: &str, user_id_for_srp: &str, password: &str) -> Self {
        let salt = new_salt();
        let verifier = verifier(pool_name, user_id_for_srp, password, &salt);
        Self { salt, verifier }
    }

    /// The stored form: version `1`, then salt and verifier, each after a 2-byte
    /// big-endian length.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(5 + self.salt.len() + self.verifier.len());
        out.push(1);
        for part in [&self.salt, &self.verifier] {
            // Salts are 16 bytes and verifiers at most 385, far below the 2-byte limit.
            let len = u16::try_from(part.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&part[..usize::from(len)]);
        }
        out
    }

    /// Reads [`SrpSecret::to_bytes`]'s form; `None` if it is not exactly that.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let (&version, mut rest) = bytes.split_first()?;
        if version != 1 {
            return None;
        }
        let mut take = || -> Option<Vec<u8>> {
            let (len, tail) = rest.split_first_chunk::<2>()?;
            let len = usize::from(u16::from_be_bytes(*len));
            let (part, tail) = tail.split_at_checked(len)?;
            rest = tail;
            Some(part.to_vec())
        };
        let salt = take()?;
        let verifier = take()?;
        rest.is_empty().then_some(Self { salt, verifier })
    }
}

/// The server's half of one SRP exchange: the secret exponent `b` and the public value
/// `B = k·v + g^b mod N` sent to the client as `SRP_B`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerChallenge {
    b: U256,
    /// `B` as minimal big-endian bytes.
    pub big_b: Vec<u8>,
}

impl std::fmt::Debug for ServerChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerChallenge")
            .field("big_b", &hex::encode(&self.big_b))
            .finish_non_exhaustive()
    }
}

impl ServerChallenge {
    /// Starts an exchange for a user with this stored `verifier`: a random 256-bit `b`
    /// and `B = k·v + g^b mod N`, never ≡ 0. One exponentiation.
    pub fn start(verifier: &[u8]) -> Result<Self, SrpError> {
        let v = residue(verifier).ok_or(SrpError::InvalidVerifier)?;
        let kv = K.mul(&v);
        loop {
            let b = U256::from_be_slice(&random_bytes(32));
            let big_b = kv.add(&pow_g(&b)).retrieve();
            // B ≡ 0 would let the client compute S without the password (RFC 5054 §2.5.3
            // makes the client refuse it); draw again rather than send it.
            if !big_b.is_zero_vartime() {
                return Ok(Self {
                    b,
                    big_b: minimal(&big_b.to_be_bytes()).to_vec(),
                });
            }
        }
    }

    /// The 16-byte key both sides derive, from the client's `SRP_A` (decoded from hex)
    /// and the same verifier given to [`ServerChallenge::start`]:
    /// `S = (A·v^u)^b mod N`, then HKDF with `PAD(u)` as salt and `PAD(S)` as input.
    /// Refuses `A ≡ 0 (mod N)` and `u = 0`, which would make `S` predictable.
    /// Two exponentiations.
    pub fn session_key(&self, big_a: &[u8], verifier: &[u8]) -> Result<[u8; 16], SrpError> {
        let a = residue_of_public(big_a).ok_or(SrpError::InvalidA)?;
        let v = residue(verifier).ok_or(SrpError::InvalidVerifier)?;
        // u hashes A as the client sent it (the client pads its own A the same way).
        let u = hash(&[&pad(big_a), &pad(&self.big_b)]);
        let u_int = U256::from_be_slice(&u);
        if u_int.is_zero_vartime() {
            return Err(SrpError::ZeroU);
        }
        let s = a.mul(&v.pow(&u_int)).pow(&self.b).retrieve();
        let prk = hmac_sha256(&pad(&u), &pad(&s.to_be_bytes()));
        let okm = hmac_sha256(&prk, b"Caldera Derived Key\x01");
        let mut key = [0u8; 16];
        key.copy_from_slice(&okm[..16]);
        Ok(key)
    }

    /// The exchange's state for storing between `InitiateAuth` and
    /// `RespondToAuthChallenge`: version `1`, the 32-byte `b`, then `B`. It holds the
    /// secret exponent, so seal it before it leaves the process.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(33 + self.big_b.len());
        out.push(1);
        out.extend_from_slice(&self.b.to_be_bytes());
        out.extend_from_slice(&self.big_b);
        out
    }

    /// Reads [`ServerChallenge::to_bytes`]'s form; `None` if malformed.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let (&version, rest) = bytes.split_first()?;
        let (b, big_b) = rest.split_first_chunk::<32>()?;
        if version != 1 || big_b.is_empty() || big_b.len() > U3072::BYTES {
            return None;
        }
        Some(Self {
            b: U256::from_be_slice(b),
            big_b: big_b.to_vec(),
        })
    }
}

/// Whether a client's `SRP_A` (decoded from hex) is usable: not `≡ 0 (mod N)`
/// and no longer than the group.
pub fn valid_public_a(big_a: &[u8]) -> bool {
    residue_of_public(big_a).is_some()
}

/// Whether a client-supplied verifier (a device's, from ConfirmDevice) is usable:
/// a residue modulo N other than 0 and 1, so no `B` it yields is predictable.
pub fn valid_verifier(verifier: &[u8]) -> bool {
    parse(verifier).is_some_and(|v| v.cmp_vartime(&N).is_lt() && v.cmp_vartime(&U3072::ONE).is_gt())
}

/// The `PASSWORD_CLAIM_SIGNATURE` a client must send (base64 of these bytes):
/// `HMAC-SHA256(key, realm ‖ identity ‖ secret_block ‖ timestamp)`, where
/// `secret_block` is the decoded `SECRET_BLOCK` and `timestamp` the client's `TIMESTAMP`
/// text. For a user the realm is the pool name and the identity `USER_ID_FOR_SRP`;
/// for a remembered device they are its device group key and device key. Compare
/// with [`crate::crypto::ct_eq`].
pub fn claim_signature(
    key: &[u8; 16],
    realm: &str,
    identity: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    let msg = [
        realm.as_bytes(),
        identity.as_bytes(),
        secret_block,
        timestamp.as_bytes(),
    ]
    .concat();
    hmac_sha256(key, &msg)
}

/// SHA-256 of the concatenation of `parts`.
fn hash(parts: &[&[u8]]) -> [u8; 32] {
    sha256(&parts.concat())
}

/// HMAC-SHA256 of `msg` under `key`.
fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), msg);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// `bytes` without leading zero bytes.
fn minimal(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

/// Java's `BigInteger.toByteArray` of the number `bytes` encodes: minimal big-endian,
/// with `0x00` in front when the top bit is set (and `[0]` for zero).
fn pad(bytes: &[u8]) -> Vec<u8> {
    let m = minimal(bytes);
    match m.first() {
        None => vec![0],
        Some(&b) if b >= 0x80 => [&[0], m].concat(),
        Some(_) => m.to_vec(),
    }
}

/// The number `bytes` encodes, if it fits in 3072 bits.
fn parse(bytes: &[u8]) -> Option<U3072> {
    let m = minimal(bytes);
    let offset = U3072::BYTES.checked_sub(m.len())?;
    let mut buf = [0u8; U3072::BYTES];
    buf[offset..].copy_from_slice(m);
    Some(U3072::from_be_slice(&buf))
}

/// A 256-bit hash as a 3072-bit number.
fn widen(h: &[u8; 32]) -> U3072 {
    let mut buf = [0u8; U3072::BYTES];
    buf[U3072::BYTES - 32..].copy_from_slice(h);
    U3072::from_be_slice(&buf)
}

/// A stored value that must already be reduced (0 ≤ value < N).
fn residue(bytes: &[u8]) -> Option<Fe> {
    let n = parse(bytes)?;
    (n.cmp_vartime(&N).is_lt()).then(|| Fe::new(&n))
}

/// A client's public value reduced modulo N; `None` if it is ≡ 0 or too long.
fn residue_of_public(bytes: &[u8]) -> Option<Fe> {
    let n = parse(bytes)?;
    // Below 2^3072 < 2N, so one subtraction reduces it.
    let n = if n.cmp_vartime(&N).is_lt() {
        n
    } else {
        n.wrapping_sub(&N)
    };
    (!n.is_zero_vartime()).then(|| Fe::new(&n))
}

#[cfg(test)]
#[path = "srp_tests.rs"]
mod tests;
