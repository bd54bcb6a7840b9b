//! User passwords: Argon2id hashing off the async runtime, and Cognito's password
//! policy (<https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html>).
//!
//! Passwords never appear in logs or error messages: internal failures carry only the
//! hashing library's own error text, which does not include its input.

use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::Error as PhcError;
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use kognit_wire::error::ErrorCode;
use kognit_wire::types::PasswordPolicyType;
use tokio::sync::Semaphore;

use crate::Error;
use crate::crypto::random_string;

/// Argon2id cost parameters used for new hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    /// Memory cost in KiB.
    pub m_cost_kib: u32,
    /// Number of passes over the memory.
    pub t_cost: u32,
    /// Lanes (degree of parallelism inside one hash).
    pub p_cost: u32,
}

impl HashParams {
    /// OWASP's Argon2id recommendation (19 MiB, 2 passes, 1 lane): tens of
    /// milliseconds of one core per hash (BENCHMARKS.md, "SignUp and sign-in").
    pub const SERVE: Self = Self {
        m_cost_kib: 19_456,
        t_cost: 2,
        p_cost: 1,
    };

    /// Cheap parameters for dev mode and tests, where suites create many users: 256 KiB,
    /// 1 pass, 1 lane. Still real Argon2id, so a hash made here verifies anywhere, at a
    /// small fraction of the cost of `SERVE` (and a quarter of 1 MiB's), which matters
    /// most in debug builds of test suites.
    pub const DEV: Self = Self {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };

    /// The argon2 crate's parameter set (no secret, default 32-byte output).
    fn to_argon2(self) -> Result<Params, argon2::Error> {
        Params::new(self.m_cost_kib, self.t_cost, self.p_cost, None)
    }
}

/// Hashes and verifies passwords on the blocking pool, at most one per core at a time.
///
/// Argon2id is deliberately CPU- and memory-heavy: run on the async workers it would
/// stall every other request, and unbounded it would let a burst of sign-ins exhaust
/// memory. The semaphore bounds the work to the number of cores; callers queue.
/// Clones share the permits, so one `Hasher` per process bounds the whole server.
#[derive(Debug, Clone)]
pub struct Hasher {
    params: HashParams,
    /// The permits, made at the first hash (see [`Hasher::permits`]).
    permits: Arc<OnceLock<Arc<Semaphore>>>,
    /// Argon2 working memory kept between hashes (one buffer per permit at
    /// most): allocating and zeroing 19 MiB per hash showed up in a
    /// sign-in's profile as page faults and memset.
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl Hasher {
    /// A hasher producing hashes with `params`, allowing as many concurrent hashes as the
    /// machine has cores.
    pub fn new(params: HashParams) -> Self {
        Self {
            params,
            permits: Arc::new(OnceLock::new()),
            memory: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// A hasher allowing at most `permits` (at least 1) concurrent hashes.
    #[cfg(test)]
    fn with_permits(params: HashParams, permits: usize) -> Self {
        let hasher = Self::new(params);
        let _ = hasher.permits.set(Arc::new(Semaphore::new(permits.max(1))));
        hasher
    }

    /// The permits: one per core, counted at the first hash rather than
    /// when the hasher is made. Counting the cores reads the process's
    /// cgroup files (about a tenth of a millisecond), which a start need
    /// not spend before it answers.
    fn permits(&self) -> Arc<Semaphore> {
        Arc::clone(self.permits.get_or_init(|| {
            let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
            Arc::new(Semaphore::new(cores))
        }))
    }

    /// Runs Argon2 into `out` with working memory from the shared stock, which
    /// gets the buffer back afterwards (Argon2 writes every block before it
    /// reads it, so a used buffer needs no clearing).
    fn argon2_into(
        memory: &Mutex<Vec<Vec<Block>>>,
        argon: &Argon2<'_>,
        params: &Params,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), argon2::Error> {
        let mut blocks = memory
            .lock()
            .ok()
            .and_then(|mut stock| stock.pop())
            .unwrap_or_default();
        let need = params.block_count();
        if blocks.len() < need {
            blocks.resize(need, Block::default());
        }
        let result = argon.hash_password_into_with_memory(password, salt, out, &mut blocks[..need]);
        if let Ok(mut stock) = memory.lock() {
            stock.push(blocks);
        }
        result
    }

    /// The parameters new hashes are made with.
    pub fn params(&self) -> HashParams {
        self.params
    }

    /// Hashes `password` with a fresh 16-byte salt; returns the PHC string
    /// (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), which records its own parameters.
    pub async fn hash(&self, password: &str) -> Result<String, Error> {
        let params = self.params;
        let password = password.to_owned();
        let salt = crate::crypto::random_bytes(16);
        let memory = Arc::clone(&self.memory);
        self.run(move || {
            let p = params.to_argon2()?;
            let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, p.clone());
            let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
            Self::argon2_into(&memory, &argon, &p, password.as_bytes(), &salt, &mut out)?;
            let phc = PasswordHash {
                algorithm: Algorithm::Argon2id.ident(),
                version: Some(Version::V0x13.into()),
                params: argon2::password_hash::phc::ParamsString::try_from(&p)?,
                salt: Some(argon2::password_hash::phc::Salt::new(&salt)?),
                hash: Some(argon2::password_hash::phc::Output::new(&out)?),
            };
            Ok(phc.to_string())
        })
        .await
    }

    /// Whether `password` matches the PHC string `phc`.
    ///
    /// The stored string's own algorithm, version and parameters are used, not this
    /// hasher's, so changing [`HashParams`] never locks anyone out (see
    /// [`Hasher::needs_rehash`] to upgrade hashes at the next successful sign-in). A
    /// string that does not parse is an internal error: it came from our own store.
    pub async fn verify(&self, password: &str, phc: &str) -> Result<bool, Error> {
        let stored = PasswordHash::new(phc)
            .map_err(|e| Error::internal(format!("stored password hash: {e}")))?;
        let password = password.to_owned();
        let memory = Arc::clone(&self.memory);
        self.run(move || {
            let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else {
                return Err(HashError::Phc(PhcError::PasswordInvalid));
            };
            let algorithm = Algorithm::try_from(stored.algorithm.as_str())?;
            let version = stored
                .version
                .map(Version::try_from)
                .transpose()?
                .unwrap_or_default();
            let params = Params::try_from(&stored)?;
            let argon = Argon2::new(algorithm, version, params.clone());
            let mut out = vec![0u8; expected.len()];
            Self::argon2_into(
                &memory,
                &argon,
                &params,
                password.as_bytes(),
                salt,
                &mut out,
            )?;
            Ok(crate::crypto::ct_eq(&out, expected.as_ref()))
        })
        .await
    }

    /// Whether `phc` was made with other parameters (or another algorithm) than this
    /// hasher's, so it should be replaced once the password is known again.
    pub fn needs_rehash(&self, phc: &str) -> bool {
        let Ok(stored) = PasswordHash::new(phc) else {
            return true;
        };
        let Ok(p) = Params::try_from(&stored) else {
            return true;
        };
        stored.algorithm != Algorithm::Argon2id.ident()
            || stored.version != Some(Version::V0x13.into())
            || p.m_cost() != self.params.m_cost_kib
            || p.t_cost() != self.params.t_cost
            || p.p_cost() != self.params.p_cost
    }

    /// Runs `work` on the blocking pool while holding a permit.
    ///
    /// The owned permit moves into the blocking task, so it is released when the work
    /// ends even if the caller's future is dropped first (a cancelled request must not
    /// let more hashes run than there are cores).
    async fn run<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, HashError> + Send + 'static,
    {
        let permit = self
            .permits()
            .acquire_owned()
            .await
            .map_err(Error::internal)?;
        let joined = tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        })
        .await;
        match joined {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(Error::internal(format!("password hashing: {e}"))),
            Err(e) => Err(Error::internal(format!("password hashing task: {e}"))),
        }
    }
}

/// A failure inside the hashing library (never a wrong password).
#[derive(Debug, thiserror::Error)]
enum HashError {
    #[error("{0}")]
    Argon2(#[from] argon2::Error),
    #[error("{0}")]
    Phc(#[from] PhcError),
    #[error("{0}")]
    PhcFormat(#[from] argon2::password_hash::phc::Error),
}

/// Whether `phc` is an Argon2id PHC string (a configured console
/// administrator's password hash).
pub fn is_argon2id_phc(phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        h.algorithm == Algorithm::Argon2id.ident() && h.hash.is_some() && h.salt.is_some()
    })
}

/// The most characters a Cognito password may have
/// (<https://docs.aws.amazon.com/cognito/latest/developerguide/limits.html>).
pub const MAX_PASSWORD_LENGTH: usize = 256;

/// The characters that count as symbols: Cognito's set, the space first
/// (<https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html>).
/// A space counts, as Cognito documents, though no password can hold one through
/// the API (its `[\S]+` pattern refuses whitespace first). The one copy:
/// [`check_policy`] and the public password-policy endpoint both read it.
pub const SYMBOLS: &str = " ^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+-";

/// Prefix of every policy violation message.
const NOT_CONFORM: &str = "Password did not conform with policy: ";

/// A password policy with every member resolved the way [`check_policy`]
/// applies it: an absent member takes the value of Cognito's default policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirements {
    /// The fewest characters.
    pub minimum_length: usize,
    /// At least one of `A`–`Z`.
    pub require_uppercase: bool,
    /// At least one of `a`–`z`.
    pub require_lowercase: bool,
    /// At least one of `0`–`9`.
    pub require_numbers: bool,
    /// At least one of [`SYMBOLS`].
    pub require_symbols: bool,
    /// Days a temporary password works.
    pub temporary_password_validity_days: i32,
}

impl Requirements {
    /// The requirements of `policy`, defaults filled in (8 characters, every
    /// class required, temporary passwords valid for 7 days).
    pub fn of(policy: &PasswordPolicyType) -> Self {
        Self {
            minimum_length: policy
                .minimum_length
                .map_or(8, |n| usize::try_from(n).unwrap_or(0)),
            require_uppercase: policy.require_uppercase.unwrap_or(true),
            require_lowercase: policy.require_lowercase.unwrap_or(true),
            require_numbers: policy.require_numbers.unwrap_or(true),
            require_symbols: policy.require_symbols.unwrap_or(true),
            // 0 is Cognito's "not set" (a pool stored before that was known).
            temporary_password_validity_days: policy
                .temporary_password_validity_days
                .filter(|d| *d != 0)
                .unwrap_or(7),
        }
    }
}

/// Checks `password` against a pool's password policy, answering
/// `InvalidPasswordException` with Cognito's message for the first rule broken.
///
/// Absent policy members take the values of Cognito's default policy (8 characters,
/// every character class required); the service normally passes the pool's policy
/// with every member filled in. Only Basic Latin letters and digits count towards
/// the letter and number classes; other characters are accepted but count for none.
pub fn check_policy(password: &str, policy: &PasswordPolicyType) -> Result<(), Error> {
    let fail = |why: &str| {
        Err(Error::new(
            ErrorCode::InvalidPasswordException,
            format!("{NOT_CONFORM}{why}"),
        ))
    };
    let rules = Requirements::of(policy);
    let len = password.chars().count();
    if len < rules.minimum_length {
        return fail("Password not long enough");
    }
    // The API's length limit and `[\S]+` pattern normally refuse these before the
    // policy is consulted (InvalidParameterException); the texts below are kognit's,
    // for callers that reach the policy another way.
    if len > MAX_PASSWORD_LENGTH {
        return fail("Password is too long");
    }
    if password.starts_with(char::is_whitespace) || password.ends_with(char::is_whitespace) {
        return fail("Password must not begin or end with a space");
    }
    // Cognito names only the first missing class. This order is cognito-local's
    // emulation of it, not verified against Cognito itself.
    let classes: [(bool, CharClass, &str); 4] = [
        (
            rules.require_lowercase,
            |c| c.is_ascii_lowercase(),
            "lowercase",
        ),
        (
            rules.require_uppercase,
            |c| c.is_ascii_uppercase(),
            "uppercase",
        ),
        (rules.require_numbers, |c| c.is_ascii_digit(), "numeric"),
        (rules.require_symbols, is_symbol, "symbol"),
    ];
    for (required, class, name) in classes {
        if required && !password.chars().any(class) {
            return fail(&format!("Password must have {name} characters"));
        }
    }
    Ok(())
}

/// A character class a policy can require.
type CharClass = fn(char) -> bool;

/// Whether `c` is one of Cognito's symbol characters (the space included).
fn is_symbol(c: char) -> bool {
    SYMBOLS.contains(c)
}

/// Symbols used in generated passwords: Cognito's set without the space (the API refuses
/// whitespace in passwords), and without the quotes, backslash, backtick, `<`, `>` and
/// `&`, which HTML and template engines mangle when the password is mailed in an
/// invitation.
const TEMP_SYMBOLS: &[u8] = b"^$*.[]{}()?!@#%/,:;|_~=+-";
const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS: &[u8] = b"0123456789";

/// A random password that satisfies `policy`, for `AdminCreateUser` without a
/// `TemporaryPassword`.
///
/// It always holds a character of every class (so it satisfies any policy) and is at
/// least 12 characters long, or the policy's minimum if longer.
pub fn temporary_password(policy: &PasswordPolicyType) -> String {
    let min = Requirements::of(policy).minimum_length;
    let len = min.clamp(12, MAX_PASSWORD_LENGTH);
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, TEMP_SYMBOLS].concat();
    let mut out: Vec<char> = random_string(len - 4, &all).chars().collect();
    // One of each class, each inserted at a uniformly random position, so the result
    // is a uniformly random arrangement rather than "class characters first".
    for class in [LOWER, UPPER, DIGITS, TEMP_SYMBOLS] {
        let c = random_string(1, class).chars().next().unwrap_or('a');
        out.insert(random_below(out.len() + 1), c);
    }
    out.into_iter().collect()
}

/// A uniformly random number in `0..n` (`n` ≥ 1), by rejection sampling.
fn random_below(n: usize) -> usize {
    let n = u32::try_from(n).unwrap_or(u32::MAX).max(1);
    // Values at or above the largest multiple of n would bias the modulo.
    let zone = u32::MAX - (u32::MAX % n);
    loop {
        let mut b = [0u8; 4];
        b.copy_from_slice(&crate::crypto::random_bytes(4));
        let r = u32::from_le_bytes(b);
        if r < zone {
            return (r % n) as usize;
        }
    }
}

#[cfg(test)]
#[path = "passwords_tests.rs"]
mod tests;
