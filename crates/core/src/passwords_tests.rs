//! Tests of password hashing (round trips, recorded parameters, the concurrency bound)
//! and of Cognito's password policy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::task::JoinSet;

#[tokio::test]
async fn hash_verify_round_trip() {
    let h = Hasher::new(HashParams::DEV);
    let phc = h.hash("Correct horse 1!").await.unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=256,t=1,p=1$"), "{phc}");
    assert!(h.verify("Correct horse 1!", &phc).await.unwrap());
    assert!(!h.verify("correct horse 1!", &phc).await.unwrap());
    assert!(!h.verify("", &phc).await.unwrap());
    // A fresh salt each time.
    assert_ne!(phc, h.hash("Correct horse 1!").await.unwrap());
}

#[tokio::test]
async fn verify_uses_the_parameters_recorded_in_the_hash() {
    let dev = Hasher::new(HashParams::DEV);
    let phc = dev.hash("Passw0rd!").await.unwrap();
    let serve = Hasher::new(HashParams::SERVE);
    assert!(serve.verify("Passw0rd!", &phc).await.unwrap());
    assert!(!serve.verify("Passw0rd?", &phc).await.unwrap());
    assert!(serve.needs_rehash(&phc));
    assert!(!dev.needs_rehash(&phc));
    assert!(dev.needs_rehash("not a phc string"));
    // Another algorithm with the same costs is still to be replaced.
    let argon2i = phc.replacen("$argon2id$", "$argon2i$", 1);
    assert!(dev.needs_rehash(&argon2i));
    assert!(!dev.verify("Passw0rd!", &argon2i).await.unwrap());
}

/// The reused working memory changes nothing: hashes made here verify with the
/// argon2 crate's own API, and its hashes verify here, also after a larger
/// hash (more lanes and memory) used the memory.
#[tokio::test]
async fn hashes_agree_with_the_argon2_crate_across_reused_memory() {
    use argon2::{PasswordHasher, PasswordVerifier};
    let h = Hasher::with_permits(HashParams::DEV, 1);
    let ours = h.hash("Passw0rd!").await.unwrap();
    let parsed = PasswordHash::new(&ours).unwrap();
    assert!(
        Argon2::default()
            .verify_password(b"Passw0rd!", &parsed)
            .is_ok()
    );
    // A bigger hash first, so the smaller one runs on used memory.
    let big = Hasher::with_permits(
        HashParams {
            m_cost_kib: 1024,
            t_cost: 2,
            p_cost: 2,
        },
        1,
    );
    let _ = big.hash("x").await.unwrap();
    for params in [
        Params::new(256, 1, 1, None).unwrap(),
        Params::new(512, 3, 2, None).unwrap(),
    ] {
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_with_salt(b"Passw0rd!", b"somesalt12345678")
            .unwrap()
            .to_string();
        for hasher in [&h, &big] {
            assert!(hasher.verify("Passw0rd!", &theirs).await.unwrap());
            assert!(!hasher.verify("Passw0rd?", &theirs).await.unwrap());
        }
    }
}

#[tokio::test]
async fn unparseable_stored_hash_is_an_internal_error() {
    let h = Hasher::new(HashParams::DEV);
    let e = h
        .verify("Tr0ub4dor&3", "$argon2id$garbage")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InternalErrorException);
    assert!(!e.message.contains("Tr0ub4dor"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_hashes_complete() {
    let h = Hasher::with_permits(HashParams::DEV, 2);
    let mut set = JoinSet::new();
    for i in 0..24 {
        let h = h.clone();
        set.spawn(async move {
            let pw = format!("Pw{i}!abc");
            let phc = h.hash(&pw).await.unwrap();
            assert!(h.verify(&pw, &phc).await.unwrap());
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    assert_eq!(h.permits().available_permits(), 2);
}

#[tokio::test]
async fn at_most_permits_jobs_run_at_once() {
    let h = Hasher::with_permits(HashParams::DEV, 3);
    let active = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for _ in 0..9 {
        let (h, active, peak) = (h.clone(), active.clone(), peak.clone());
        set.spawn(async move {
            h.run(move || {
                let now = active.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                // Long enough that all three permitted jobs overlap even on a busy machine.
                std::thread::sleep(Duration::from_millis(40));
                active.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            })
            .await
            .unwrap();
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    assert_eq!(peak.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_cancelled_caller_keeps_its_permit_until_the_work_ends() {
    let h = Hasher::with_permits(HashParams::DEV, 1);
    let (release, wait) = std::sync::mpsc::channel::<()>();
    let call = h.run(move || {
        let _ = wait.recv();
        Ok(())
    });
    // The caller gives up while the work is still running on the blocking pool.
    assert!(
        tokio::time::timeout(Duration::from_millis(50), call)
            .await
            .is_err()
    );
    assert_eq!(h.permits().available_permits(), 0);
    release.send(()).unwrap();
    for _ in 0..200 {
        if h.permits().available_permits() == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("permit not released after the work ended");
}

/// The policy with every member given.
fn policy(min: i32, lower: bool, upper: bool, numbers: bool, symbols: bool) -> PasswordPolicyType {
    PasswordPolicyType {
        minimum_length: Some(min),
        require_lowercase: Some(lower),
        require_uppercase: Some(upper),
        require_numbers: Some(numbers),
        require_symbols: Some(symbols),
        ..Default::default()
    }
}

fn message(password: &str, p: &PasswordPolicyType) -> String {
    let e = check_policy(password, p).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidPasswordException);
    e.message
}

#[test]
fn every_policy_message() {
    let all = policy(8, true, true, true, true);
    let m = |s| format!("Password did not conform with policy: {s}");
    assert_eq!(message("Aa1!", &all), m("Password not long enough"));
    assert_eq!(
        message("ABCDEFG1!", &all),
        m("Password must have lowercase characters")
    );
    assert_eq!(
        message("abcdefg1!", &all),
        m("Password must have uppercase characters")
    );
    assert_eq!(
        message("Abcdefgh!", &all),
        m("Password must have numeric characters")
    );
    assert_eq!(
        message("Abcdefgh1", &all),
        m("Password must have symbol characters")
    );
    assert_eq!(message(&"Aa1!".repeat(65), &all), m("Password is too long"));
    assert_eq!(
        message(" Abcdefg1!", &all),
        m("Password must not begin or end with a space")
    );
    assert_eq!(
        message("Abcdefg1! ", &all),
        m("Password must not begin or end with a space")
    );
    assert!(check_policy("Abcdefg1!", &all).is_ok());
    assert!(check_policy(&"Aa1!".repeat(64), &all).is_ok());
    // Length counts characters, not bytes.
    assert!(check_policy("ééééé", &policy(6, false, false, false, false)).is_err());
    assert!(check_policy("éééééé", &policy(6, false, false, false, false)).is_ok());
}

#[test]
fn only_required_classes_are_checked() {
    assert!(check_policy("abcdef", &policy(6, false, false, false, false)).is_ok());
    assert!(check_policy("123456", &policy(6, false, false, true, false)).is_ok());
    assert!(check_policy("ABCDEF", &policy(6, false, true, false, false)).is_ok());
    // Non-Latin letters count for no class.
    assert!(check_policy("ÀÉÎÕÜ1", &policy(6, false, true, false, false)).is_err());
}

#[test]
fn absent_members_mean_cognitos_default_policy() {
    let d = PasswordPolicyType::default();
    assert!(message("Aa1!aaa", &d).ends_with("not long enough"));
    assert!(message("aaaaaaa1!", &d).ends_with("uppercase characters"));
    assert!(check_policy("Aaaaaaa1!", &d).is_ok());
}

#[test]
fn every_symbol_counts_and_an_inner_space_too() {
    let p = policy(6, false, false, false, true);
    assert!(SYMBOLS.contains(' '));
    for c in SYMBOLS.chars() {
        let pw = format!("abc{c}def");
        assert!(check_policy(&pw, &p).is_ok(), "{pw:?}");
    }
    assert!(check_policy("abcédef", &p).is_err());
}

proptest! {
    #[test]
    fn temporary_passwords_satisfy_any_policy(
        min in 6i32..=99,
        lower: Option<bool>,
        upper: Option<bool>,
        numbers: Option<bool>,
        symbols: Option<bool>,
    ) {
        let p = PasswordPolicyType {
            minimum_length: Some(min),
            require_lowercase: lower,
            require_uppercase: upper,
            require_numbers: numbers,
            require_symbols: symbols,
            ..Default::default()
        };
        let pw = temporary_password(&p);
        prop_assert!(check_policy(&pw, &p).is_ok(), "{pw:?}");
        prop_assert_eq!(pw.chars().count(), usize::try_from(min).unwrap().max(12));
        prop_assert!(pw.is_ascii() && !pw.contains(char::is_whitespace));
        prop_assert!(!pw.contains(['<', '>', '&', '"', '\'', '\\', '`']));
    }
}

#[test]
fn temporary_passwords_differ() {
    let p = PasswordPolicyType::default();
    assert_ne!(temporary_password(&p), temporary_password(&p));
    assert_eq!(temporary_password(&p).len(), 12);
}

#[test]
fn random_below_stays_in_range_and_covers_it() {
    let mut seen = [false; 7];
    for _ in 0..500 {
        seen[random_below(7)] = true;
    }
    assert!(seen.iter().all(|s| *s));
    assert_eq!(random_below(1), 0);
}
