//! ListUsers' query plans: every filter is an index range scan, never a scan
//! of the pool (at a million users that is the difference that matters).

use kognit_core::store::{UserColumn, UserCursor, UserFilter};
use sqlx::{AssertSqlSafe, Row};

use super::harness::Ctx;
use super::pool;
use crate::args::bind;
use crate::user_list::statement;
use crate::{Engine, SqlStore};

/// Every column's SQL name.
const COLUMNS: [(UserColumn, &str); 10] = [
    (UserColumn::Username, "username"),
    (UserColumn::Email, "email"),
    (UserColumn::PhoneNumber, "phone_number"),
    (UserColumn::Name, "name"),
    (UserColumn::GivenName, "given_name"),
    (UserColumn::FamilyName, "family_name"),
    (UserColumn::PreferredUsername, "preferred_username"),
    (UserColumn::Sub, "sub"),
    (UserColumn::Status, "status"),
    (UserColumn::Enabled, "enabled"),
];

/// Each column's exact value matching one row of [`populate`] (few for
/// status/enabled) and a prefix matching about ten.
fn probes(column: UserColumn) -> (&'static str, &'static str) {
    match column {
        UserColumn::Username => ("User0123", "User012"),
        UserColumn::Email => ("e0123@x.com", "e012"),
        UserColumn::PhoneNumber => ("+10000123", "+1000012"),
        UserColumn::Name => ("Name 0123", "Name 012"),
        UserColumn::GivenName => ("G0123", "G012"),
        UserColumn::FamilyName => ("F0123", "F012"),
        UserColumn::PreferredUsername => ("pu0123", "pu012"),
        UserColumn::Sub => ("sub-0123", "sub-012"),
        UserColumn::Status => ("RESET_REQUIRED", "RESET"),
        UserColumn::Enabled => ("Disabled", "Dis"),
    }
}

/// 2000 users in pool `p` (and as many in `q`) written in one statement,
/// with every searchable column set.
async fn populate(s: &SqlStore) {
    s.insert_pool(&pool("p")).await.unwrap();
    s.insert_pool(&pool("q")).await.unwrap();
    // `n` is the user's number, zero-padded so that prefixes match tens.
    let series = match s.engine() {
        Engine::Sqlite => {
            "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i < 3999) \
             SELECT i, printf('%04d', i % 2000) AS n FROM g"
        }
        Engine::Postgres => {
            "SELECT i, lpad((i % 2000)::text, 4, '0') AS n FROM generate_series(0, 3999) i"
        }
    };
    let sql = format!(
        "INSERT INTO users (pool_id, username, username_key, sub, status, enabled, \
         attributes, email, phone_number, name, given_name, family_name, preferred_username, \
         extra, created_ms, updated_ms, version) \
         SELECT CASE WHEN i < 2000 THEN 'p' ELSE 'q' END, 'User' || n, 'u' || n, 'sub-' || n, \
         CASE WHEN i % 100 = 0 THEN 'RESET_REQUIRED' ELSE 'CONFIRMED' END, \
         CASE WHEN i % 50 = 0 THEN 0 ELSE 1 END, '{{}}', 'e' || n || '@x.com', '+1000' || n, \
         'Name ' || n, 'G' || n, 'F' || n, 'pu' || n, '{{}}', 0, 0, 1 FROM ({series}) s"
    );
    sqlx::raw_sql(AssertSqlSafe(sql))
        .execute(&s.db.write)
        .await
        .unwrap();
    if s.engine() == Engine::Postgres {
        sqlx::raw_sql("ANALYZE users")
            .execute(&s.db.write)
            .await
            .unwrap();
    }
    assert_eq!(s.count_users("p").await.unwrap(), 2000);
}

/// The plan of `list_users("p", filter, after "u0", limit 60)`, one line per
/// plan node.
async fn explain(s: &SqlStore, column: UserColumn, prefix: bool, value: &str) -> String {
    let filter = UserFilter {
        column,
        prefix,
        value: value.to_owned(),
    };
    // A cursor mid-pool: prefix searches continue from (value, key).
    let cursor = UserCursor {
        value: prefix.then(|| value.to_owned()),
        username_key: "u0".to_owned(),
    };
    let (sql, args) = statement("p", Some(&filter), Some(&cursor), 60).unwrap();
    let (explain, detail) = match s.engine() {
        Engine::Sqlite => ("EXPLAIN QUERY PLAN", 3),
        Engine::Postgres => ("EXPLAIN", 0),
    };
    let rows = bind(AssertSqlSafe(format!("{explain} {sql}")), args)
        .fetch_all(&s.db.read)
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get::<String, _>(detail).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

store_test!(filters_use_their_index, |ctx: Ctx| async move {
    let s = &ctx.store;
    populate(s).await;
    for (column, name) in COLUMNS {
        let (exact, prefix) = probes(column);
        for (is_prefix, value) in [(false, exact), (true, prefix)] {
            // The plan answers correctly, too.
            let filter = UserFilter {
                column,
                prefix: is_prefix,
                value: value.to_owned(),
            };
            let got = s.list_users("p", Some(&filter), None, 100).await.unwrap();
            let want = match (column, is_prefix) {
                (UserColumn::Status, _) => 20,
                (UserColumn::Enabled, _) => 40,
                (_, false) => 1,
                (_, true) => 10,
            };
            assert_eq!(got.len(), want, "{name} prefix={is_prefix}");

            let plan = explain(s, column, is_prefix, value).await;
            let context = format!("{name} prefix={is_prefix}:\n{plan}");
            match s.engine() {
                Engine::Sqlite => {
                    // The index search is constrained on the column itself,
                    // e.g. `SEARCH users USING COVERING INDEX users_email_idx
                    // (pool_id=? AND email>? AND email<?)`.
                    assert!(!plan.contains("SCAN users"), "{context}");
                    // e.g. `(pool_id=? AND (email,username_key)>(?,?) AND email<?)`
                    let on_column = plan.lines().any(|l| {
                        l.contains("SEARCH users USING ")
                            && l.contains("INDEX ")
                            && (l.contains(&format!("(pool_id=? AND {name}"))
                                || l.contains(&format!("(pool_id=? AND ({name},")))
                    });
                    assert!(on_column, "{context}");
                    // Read in the index's order: no sort, so the scan
                    // stops after the page.
                    assert!(!plan.contains("TEMP B-TREE"), "{context}");
                }
                Engine::Postgres => {
                    assert!(!plan.contains("Seq Scan"), "{context}");
                    let index = if column == UserColumn::Sub {
                        "users_sub_key".to_owned()
                    } else {
                        format!("users_{name}_idx")
                    };
                    let on_column = plan.lines().any(|l| {
                        (l.contains("Index Scan using ")
                            || l.contains("Index Only Scan using ")
                            || l.contains("Bitmap Index Scan on "))
                            && l.contains(&index)
                    });
                    assert!(on_column, "{context}");
                    // No sort of the matches (sub's unique index has no
                    // username_key, so its ties, which cannot exist, are
                    // sorted incrementally).
                    if column != UserColumn::Sub {
                        assert!(!plan.contains("Sort"), "{context}");
                    }
                }
            }
        }
    }
});
