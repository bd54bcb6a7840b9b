//! The crypto facade: the only module that touches a crypto crate for kognit's
//! own secrets (random values, AEAD at rest, hashes, constant-time equality).

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// Fills a buffer of `n` bytes from the operating system's CSPRNG
/// (`getrandom(2)`). Not aws-lc's generator: its first use in a process
/// seeds a DRBG with CPU-jitter entropy, ~40 ms of CPU that `kognit dev`
/// paid before its first answer (BENCHMARKS.md, "Start-up and idle memory").
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    // It fails only if the OS has no generator, in which case nothing
    // secure can be done at all.
    if getrandom::fill(&mut buf).is_err() {
        tracing::error!("the operating system's random generator failed");
        std::process::abort();
    }
    buf
}

/// A random string of `len` characters drawn uniformly from `alphabet`.
pub fn random_string(len: usize, alphabet: &[u8]) -> String {
    // Rejection sampling keeps the distribution uniform for any alphabet size.
    let limit = 256 - (256 % alphabet.len());
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes(len * 2) {
            if (b as usize) < limit && out.len() < len {
                out.push(alphabet[b as usize % alphabet.len()] as char);
            }
        }
    }
    out
}

/// SHA-256 of the input.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// Constant-time equality of two byte strings (length may leak, content not).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}

/// A 256-bit master key from which the keys for secrets at rest are derived.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// A new random master key.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        k.copy_from_slice(&random_bytes(32));
        Self(k)
    }

    /// Parses the base64 text form (32 bytes once decoded).
    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = B64.decode(text.trim()).ok()?;
        let k: [u8; 32] = bytes.try_into().ok()?;
        Some(Self(k))
    }

    /// The base64 text form.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }

    /// A sub-key for one purpose, so one key never serves two uses.
    fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        let tag = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &self.0),
            purpose,
        );
        let mut out = [0u8; 32];
        out.copy_from_slice(tag.as_ref());
        out
    }
}

/// A keyed hash (HMAC-SHA256 under a sub-key of the master key): one-time codes
/// are stored this way, so a copy of the database does not reveal them even
/// though a 6-digit code space is small.
pub struct KeyedHash {
    key: aws_lc_rs::hmac::Key,
}

impl KeyedHash {
    /// The keyed hash for one purpose under this master key.
    pub fn new(master: &MasterKey, purpose: &[u8]) -> Self {
        let raw = master.derive(purpose);
        Self {
            key: aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &raw),
        }
    }

    /// The tag of the parts, each length-prefixed so that parts cannot shift.
    pub fn tag(&self, parts: &[&[u8]]) -> Vec<u8> {
        let mut ctx = aws_lc_rs::hmac::Context::with_key(&self.key);
        for p in parts {
            ctx.update(&(p.len() as u64).to_be_bytes());
            ctx.update(p);
        }
        ctx.sign().as_ref().to_vec()
    }
}

/// HMAC-SHA256 of `msg` under `key` (Cognito's SECRET_HASH and SRP use it).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let tag = aws_lc_rs::hmac::sign(
        &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key),
        msg,
    );
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

/// AES-256-GCM sealing of secrets at rest (client secrets, access keys, …).
///
/// Sealed form: version byte `1` ‖ 96-bit random nonce ‖ ciphertext ‖ tag. The
/// associated data binds a sealed value to its row, so a value copied to another
/// row does not open.
pub struct SecretBox {
    key: LessSafeKey,
}

impl SecretBox {
    /// The box for secrets at rest under this master key.
    pub fn new(master: &MasterKey) -> Self {
        let raw = master.derive(b"kognit secrets at rest v1");
        // AES-256 takes any 32-byte key, so this cannot fail.
        let key = match UnboundKey::new(&AES_256_GCM, &raw) {
            Ok(k) => LessSafeKey::new(k),
            Err(_) => unreachable_key(),
        };
        Self { key }
    }

    /// Seals `plain`, bound to `aad`.
    pub fn seal(&self, plain: &[u8], aad: &[u8]) -> Vec<u8> {
        let nonce_bytes = random_bytes(NONCE_LEN);
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&nonce_bytes);
        let mut buf = plain.to_vec();
        if self
            .key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut buf,
            )
            .is_err()
        {
            unreachable_key();
        }
        let mut out = Vec::with_capacity(1 + NONCE_LEN + buf.len());
        out.push(1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&buf);
        out
    }

    /// Opens a sealed value; `None` if it was tampered with, bound to other
    /// associated data, or sealed under another master key.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
        let (&version, rest) = sealed.split_first()?;
        if version != 1 || rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ct) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buf = ct.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(aad), &mut buf)
            .ok()?;
        Some(plain.to_vec())
    }
}

/// AES-GCM with a 32-byte key and a 12-byte nonce has no failure mode; if the
/// library ever reports one, continuing would risk storing secrets unsealed.
fn unreachable_key() -> ! {
    tracing::error!("AES-256-GCM refused a well-formed key or input");
    std::process::abort()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_binding() {
        let b = SecretBox::new(&MasterKey::generate());
        let s = b.seal(b"secret", b"row-1");
        assert_eq!(b.open(&s, b"row-1").as_deref(), Some(&b"secret"[..]));
        assert_eq!(b.open(&s, b"row-2"), None);
        let other = SecretBox::new(&MasterKey::generate());
        assert_eq!(other.open(&s, b"row-1"), None);
        let mut t = s.clone();
        let last = t.len() - 1;
        t[last] ^= 1;
        assert_eq!(b.open(&t, b"row-1"), None);
        assert_eq!(b.open(&[], b"row-1"), None);
    }

    #[test]
    fn master_key_text_round_trip() {
        let k = MasterKey::generate();
        let t = k.to_base64();
        assert_eq!(MasterKey::from_base64(&t).map(|k| k.0), Some(k.0));
        assert!(MasterKey::from_base64("short").is_none());
    }

    #[test]
    fn random_string_uses_alphabet() {
        let s = random_string(500, b"ab");
        assert_eq!(s.len(), 500);
        assert!(s.contains('a') && s.contains('b'));
        assert!(s.chars().all(|c| c == 'a' || c == 'b'));
    }
}
