//! The pure parts of the search: where a user is listed, the merge order,
//! and pagination tokens.

use super::*;

fn rec(username: &str, email: Option<&str>, name: Option<&str>, sub: &str) -> UserRecord {
    UserRecord {
        username: username.into(),
        username_key: username.to_lowercase(),
        email: email.map(str::to_owned),
        name: name.map(str::to_owned),
        sub: sub.into(),
        ..UserRecord::default()
    }
}

fn search(query: &str) -> UserSearch {
    UserSearch {
        user_pool_id: "us-east-1_abc".into(),
        query: query.into(),
        status: None,
        enabled: None,
        pagination_token: None,
        limit: 10,
    }
}

#[test]
fn a_user_is_listed_under_its_first_match() {
    // username "ann" < email "ann@x": the username stream lists it.
    let r = rec("ann", Some("ann@x"), Some("Ann"), "0a");
    assert_eq!(listed_under(&r, "ann"), Some(0));
    // Only the email matches.
    assert_eq!(listed_under(&r, "ann@"), Some(1));
    // Matching is case-sensitive, as ListUsers' ^=.
    assert_eq!(listed_under(&r, "An"), Some(3));
    assert_eq!(listed_under(&r, "0"), Some(4));
    assert_eq!(listed_under(&r, "zz"), None);
    // Equal values: the earlier field wins.
    let same = rec("b@x", Some("b@x"), None, "1");
    assert_eq!(listed_under(&same, "b"), Some(0));
    // A smaller value on a later field wins over the field order.
    let r = rec("bob2", Some("bob1@x"), None, "2");
    assert_eq!(listed_under(&r, "bob"), Some(1));
}

#[test]
fn streams_merge_by_value_then_key_then_field() {
    let q = search("a");
    let mut st = streams(&q, 5);
    st[0].buffer.push_back(rec("ab", None, None, "x"));
    st[1].buffer.push_back(rec("zz", Some("aa@x"), None, "y"));
    st[3].buffer.push_back(rec("c", None, Some("ab"), "z"));
    assert_eq!(next_stream(&st), Some(1));
    st[1].buffer.clear();
    // "ab" from username (key "ab") before "ab" from name (key "c").
    assert_eq!(next_stream(&st), Some(0));
    st[0].buffer.clear();
    assert_eq!(next_stream(&st), Some(3));
    st[3].buffer.clear();
    assert_eq!(next_stream(&st), None);
}

#[test]
fn tokens_round_trip_and_belong_to_their_search() {
    let q = search("al");
    let mut st = streams(&q, 5);
    st[1].after = Some(UserCursor {
        value: Some("al\"ice@x\u{10FFFF}".into()),
        username_key: "k1".into(),
    });
    st[2].exhausted = true;
    let token = encode_token(&q, &st).unwrap();
    let mut again = streams(&q, 5);
    resume(&q, &mut again, &token).unwrap();
    assert_eq!(again[0].after, None);
    assert!(!again[0].exhausted);
    assert_eq!(again[1].after, st[1].after);
    assert!(again[2].finished());
    // Another query, another filter, garbage: refused.
    for other in [
        search("am"),
        UserSearch {
            enabled: Some(true),
            ..search("al")
        },
    ] {
        let mut s = streams(&other, 5);
        let e = resume(&other, &mut s, &token).unwrap_err();
        assert_eq!(e.code, crate::error::ErrorCode::InvalidParameterException);
    }
    for bad in ["", "!!", "e30", "W10"] {
        let e = resume(&q, &mut streams(&q, 5), bad).unwrap_err();
        assert_eq!(e.message, "Invalid pagination token.", "{bad}");
    }
}

#[test]
fn one_stream_without_a_query() {
    let all = streams(&search(""), 5);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].filter, None);
    let by_status = UserSearch {
        status: Some(UserStatusType::ForceChangePassword),
        enabled: Some(false),
        ..search("")
    };
    let st = streams(&by_status, 5);
    assert_eq!(st.len(), 1);
    let f = st[0].filter.as_ref().unwrap();
    assert_eq!(
        (f.column, f.value.as_str()),
        (UserColumn::Status, "FORCE_CHANGE_PASSWORD")
    );
    let disabled = UserSearch {
        enabled: Some(false),
        ..search("")
    };
    let st = streams(&disabled, 5);
    let f = st[0].filter.as_ref().unwrap();
    assert_eq!(
        (f.column, f.value.as_str()),
        (UserColumn::Enabled, "Disabled")
    );
}

#[test]
fn queries_that_cannot_be_searched() {
    assert!(check(&search(&"a".repeat(256))).is_ok());
    assert!(check(&search(&"a".repeat(257))).is_err());
    assert!(check(&search("a\0b")).is_err());
    assert!(check(&search("a\nb")).is_err());
    assert!(check(&search("zoë +48 ✓")).is_ok());
}
