//! The admin console's user search on a pool of a million users: the latency
//! of `Service::search_users` (the function behind `Kognit.SearchUsers` and
//! the console's search box, core and store end to end, HTTP aside), one
//! search at a time, for several query shapes, on a SQLite file and on
//! PostgreSQL. The bar: p99 under 50 ms for every shape.
//!
//! ```sh
//! # SQLite always; PostgreSQL when KOGNIT_BENCH_POSTGRES names a database
//! psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE kognit_search_bench'
//! KOGNIT_BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/kognit_search_bench \
//!   cargo bench -p kognit --bench search
//! ```
//!
//! Environment: `KOGNIT_BENCH_SQLITE` (the file, default
//! `/var/tmp/kognit-search-bench/search.db`), `KOGNIT_BENCH_POSTGRES` (a
//! database URL; PostgreSQL is skipped without it), `KOGNIT_BENCH_USERS`
//! (1,000,000), `KOGNIT_BENCH_RUNS` (searches per shape, 300).
//!
//! **The fixture is not made through the API.** AdminCreateUser hashes a
//! password (Argon2id) and computes an SRP verifier per user: about 14
//! minutes for a million on this machine. The bench instead writes users
//! straight through the store's own insert path, `UserStore::insert_user`
//! (64 at a time, so the SQLite lane commits them in batches), with
//! realistic attributes: username `first.lastN`, email
//! `first.last.N@domain`, phone_number `+1…` (10 digits), name `First Last`,
//! a random UUID sub, statuses 90% CONFIRMED / 6% FORCE_CHANGE_PASSWORD / 3%
//! UNCONFIRMED / 1% RESET_REQUIRED, 2% disabled, and a PHC string and a
//! 430-byte sealed SRP blob as real rows carry (so rows have their real
//! size). On PostgreSQL the fill runs with `synchronous_commit = off` (set on
//! the database, reset afterwards), then `ANALYZE users`. The users stay in
//! the database: a second run measures at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use kognit_core::crypto::MasterKey;
use kognit_core::store::{Store, UserRecord};
use kognit_core::users::UserSearch;
use kognit_core::{Admin, AdminCheck, Service, Settings};
use kognit_wire::types::{CreateUserPoolRequest, ListUserPoolsRequest, UserStatusType};

const POOL_NAME: &str = "kognit-search-bench";
const WRITERS: u64 = 64;

const FIRST: [&str; 48] = [
    "james",
    "mary",
    "robert",
    "patricia",
    "john",
    "jennifer",
    "michael",
    "linda",
    "david",
    "elizabeth",
    "william",
    "barbara",
    "richard",
    "susan",
    "joseph",
    "jessica",
    "thomas",
    "sarah",
    "charles",
    "karen",
    "christopher",
    "lisa",
    "daniel",
    "nancy",
    "matthew",
    "betty",
    "anthony",
    "margaret",
    "mark",
    "sandra",
    "donald",
    "ashley",
    "steven",
    "kimberly",
    "paul",
    "emily",
    "andrew",
    "donna",
    "joshua",
    "michelle",
    "kenneth",
    "carol",
    "kevin",
    "amanda",
    "brian",
    "dorothy",
    "george",
    "melissa",
];
const LAST: [&str; 48] = [
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "garcia",
    "miller",
    "davis",
    "rodriguez",
    "martinez",
    "hernandez",
    "lopez",
    "gonzalez",
    "wilson",
    "anderson",
    "thomas",
    "taylor",
    "moore",
    "jackson",
    "martin",
    "lee",
    "perez",
    "thompson",
    "white",
    "harris",
    "sanchez",
    "clark",
    "ramirez",
    "lewis",
    "robinson",
    "walker",
    "young",
    "allen",
    "king",
    "wright",
    "scott",
    "torres",
    "nguyen",
    "hill",
    "flores",
    "green",
    "adams",
    "nelson",
    "baker",
    "hall",
    "rivera",
    "campbell",
    "mitchell",
];
const DOMAINS: [&str; 6] = [
    "gmail.com",
    "example.com",
    "outlook.com",
    "yahoo.com",
    "company.io",
    "mail.test",
];

/// splitmix64: user `i`'s attributes are a function of `i` alone, so the
/// bench can name a user's email or sub without reading it back.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// User `i` of the fixture.
struct Person {
    username: String,
    email: String,
    phone: String,
    name: String,
    sub: String,
}

fn person(i: u64) -> Person {
    let r = mix(i);
    let first = FIRST[(r % 48) as usize];
    let last = LAST[((r >> 8) % 48) as usize];
    let domain = DOMAINS[((r >> 16) % 6) as usize];
    let phone = format!("+1{}{:09}", 2 + (r >> 24) % 8, (r >> 28) % 1_000_000_000);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&mix(i ^ 0x5ab5_5ab5).to_le_bytes());
    bytes[8..].copy_from_slice(&mix(i ^ 0xa5a5_a5a5).to_le_bytes());
    Person {
        username: format!("{first}.{last}{i}"),
        email: format!("{first}.{last}.{i}@{domain}"),
        phone,
        name: format!("{} {}", capitalized(first), capitalized(last)),
        sub: uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string(),
    }
}

fn record(pool_id: &str, i: u64, now: i64) -> UserRecord {
    let p = person(i);
    let r = mix(i ^ 0x0123_4567);
    let status = match r % 100 {
        0..90 => "CONFIRMED",
        90..96 => "FORCE_CHANGE_PASSWORD",
        96..99 => "UNCONFIRMED",
        _ => "RESET_REQUIRED",
    };
    let attributes = serde_json::json!({
        "email": p.email,
        "email_verified": "true",
        "phone_number": p.phone,
        "phone_number_verified": "false",
        "name": p.name,
    });
    let srp: Vec<u8> = (0..54u64)
        .flat_map(|k| mix(r ^ k).to_le_bytes())
        .take(430)
        .collect();
    UserRecord {
        pool_id: pool_id.to_owned(),
        username_key: p.username.clone(),
        username: p.username,
        sub: p.sub,
        status: status.into(),
        enabled: !(r >> 8).is_multiple_of(50),
        attributes: attributes.to_string(),
        email: Some(p.email),
        phone_number: Some(p.phone),
        name: Some(p.name),
        given_name: None,
        family_name: None,
        preferred_username: None,
        password_hash: Some(format!(
            "$argon2id$v=19$m=19456,t=2,p=1${:022x}${:043x}",
            mix(r) as u128,
            u128::from(mix(r ^ 1)) << 64 | u128::from(mix(r ^ 2))
        )),
        srp_sealed: Some(srp),
        temp_password_expires_ms: None,
        extra: "{}".into(),
        created_ms: now - (r % 31_536_000_000) as i64,
        updated_ms: now,
        version: 1,
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The bench pool's id, created when missing.
async fn bench_pool(svc: &Service, admin: &Admin) -> String {
    let list = ListUserPoolsRequest {
        max_results: 60,
        next_token: None,
    };
    let pools = svc.list_user_pools(admin, list).await.unwrap();
    if let Some(p) = pools
        .user_pools
        .unwrap_or_default()
        .into_iter()
        .find(|p| p.name.as_deref() == Some(POOL_NAME))
    {
        return p.id.unwrap();
    }
    let req: CreateUserPoolRequest =
        serde_json::from_value(serde_json::json!({ "PoolName": POOL_NAME })).unwrap();
    let out = svc.create_user_pool(admin, req, now_ms()).await.unwrap();
    out.user_pool.and_then(|p| p.id).unwrap()
}

/// Inserts users `from..to` through `UserStore::insert_user`, 64 at a time.
async fn fill(store: &Arc<dyn Store>, pool_id: &str, from: u64, to: u64) {
    let started = Instant::now();
    let now = now_ms();
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let store = Arc::clone(store);
        let pool_id = pool_id.to_owned();
        tasks.spawn(async move {
            let mut i = from + w;
            while i < to {
                store
                    .insert_user(&record(&pool_id, i, now), &[])
                    .await
                    .unwrap();
                if w == 0 && (i - from) % 100_000 < WRITERS {
                    println!("  {} users, {:.0?}", i - from, started.elapsed());
                }
                i += WRITERS;
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "  filled {} users in {secs:.1} s ({:.0}/s)",
        to - from,
        (to - from) as f64 / secs
    );
}

/// One search shape: a name and what it asks, given a random number.
struct Shape {
    name: &'static str,
    make: fn(u64, u64) -> (UserSearch, bool),
}

fn search(query: String) -> UserSearch {
    UserSearch {
        user_pool_id: String::new(),
        query,
        status: None,
        enabled: None,
        pagination_token: None,
        limit: 60,
    }
}

fn letter(r: u64) -> String {
    char::from(b'a' + (r % 26) as u8).to_string()
}

/// The shapes; `make(r, users)` gives the search and whether the timed call
/// is its second page.
const SHAPES: &[Shape] = &[
    Shape {
        name: "1-char prefix",
        make: |r, _| (search(letter(r)), false),
    },
    Shape {
        name: "1-char prefix, 2nd page",
        make: |r, _| (search(letter(r)), true),
    },
    Shape {
        name: "3-char email prefix",
        make: |r, n| (search(person(r % n).email[..3].to_owned()), false),
    },
    Shape {
        name: "long email prefix (all but 3 chars)",
        make: |r, n| {
            let e = person(r % n).email;
            (search(e[..e.len() - 3].to_owned()), false)
        },
    },
    Shape {
        name: "name prefix `First La`",
        make: |r, n| {
            (
                search(person(r % n).name[..].chars().take(8).collect()),
                false,
            )
        },
    },
    Shape {
        name: "phone prefix (+1 and 4 digits)",
        make: |r, n| (search(person(r % n).phone[..6].to_owned()), false),
    },
    Shape {
        name: "sub prefix (8 hex)",
        make: |r, n| (search(person(r % n).sub[..8].to_owned()), false),
    },
    Shape {
        name: "no match",
        make: |r, _| (search(format!("qzx{}", r % 1000)), false),
    },
    Shape {
        name: "1-char prefix + status UNCONFIRMED (3%)",
        make: |r, _| {
            let mut s = search(letter(r));
            s.status = Some(UserStatusType::Unconfirmed);
            (s, false)
        },
    },
    Shape {
        name: "3-char prefix + disabled (2%)",
        make: |r, n| {
            let mut s = search(person(r % n).email[..3].to_owned());
            s.enabled = Some(false);
            (s, false)
        },
    },
    Shape {
        name: "no query, status RESET_REQUIRED (1%)",
        make: |_, _| {
            let mut s = search(String::new());
            s.status = Some(UserStatusType::ResetRequired);
            (s, false)
        },
    },
    Shape {
        name: "no query (every user)",
        make: |_, _| (search(String::new()), false),
    },
];

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// Runs every shape `runs` times on this store and prints a table row each.
async fn measure(label: &str, store: Arc<dyn Store>, users: u64, runs: u64) {
    let svc = Service::new(store.clone(), Settings::default(), &MasterKey::generate());
    let admin = svc
        .authenticate_admin(AdminCheck::AnyCaller {
            claimed_key: "bench",
        })
        .await
        .unwrap();
    let pool_id = bench_pool(&svc, &admin).await;
    let have = store.count_users(&pool_id).await.unwrap();
    if have < users {
        println!(
            "{label}: {have} users in {pool_id}, adding {}",
            users - have
        );
        fill(&store, &pool_id, have, users).await;
    }
    println!("\n{label}, pool {pool_id}, {users} users, {runs} searches per shape, Limit 60\n");
    println!("| shape | p50 ms | p99 ms | max ms | users per page |");
    println!("|---|---:|---:|---:|---:|");
    for (k, shape) in SHAPES.iter().enumerate() {
        let mut times = Vec::new();
        let mut found = 0usize;
        // A few untimed searches first, to warm the caches.
        for n in 0..runs + 10 {
            let r = mix(n ^ ((k as u64) << 40));
            let (mut req, second) = (shape.make)(r, users);
            req.user_pool_id.clone_from(&pool_id);
            if second {
                let first = svc.search_users(&admin, req.clone()).await.unwrap();
                req.pagination_token = first.pagination_token;
            }
            let started = Instant::now();
            let page = svc.search_users(&admin, req).await.unwrap();
            let took = started.elapsed();
            if n >= 10 {
                times.push(took);
                found += page.users.len();
            }
        }
        times.sort();
        println!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.1} |",
            shape.name,
            percentile(&times, 0.50),
            percentile(&times, 0.99),
            percentile(&times, 1.0),
            found as f64 / runs as f64
        );
    }
}

/// Lets the PostgreSQL fill commit without waiting for the disk (or undoes
/// that): new sessions of the database take the setting.
async fn pg_fill_mode(url: &str, fast: bool) {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let set = if fast {
        "SET synchronous_commit = off"
    } else {
        "RESET synchronous_commit"
    };
    let sql = format!(
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I {set}', current_database()); END $$"
    );
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await
        .unwrap();
}

async fn pg_analyze(url: &str) {
    use sqlx::Connection as _;
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql("ANALYZE users")
        .execute(&mut conn)
        .await
        .unwrap();
}

async fn open(url: &str) -> Arc<dyn Store> {
    // As `kognit serve` opens it (5 s statement timeout).
    let options = kognit_store::StoreOptions {
        statement_timeout: Some(Duration::from_secs(5)),
    };
    kognit_store::connect_with(url, &options).await.unwrap()
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the command line.
    let users = env_u64("KOGNIT_BENCH_USERS", 1_000_000);
    let runs = env_u64("KOGNIT_BENCH_RUNS", 300);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let file = std::env::var("KOGNIT_BENCH_SQLITE")
            .unwrap_or_else(|_| "/var/tmp/kognit-search-bench/search.db".into());
        if let Some(dir) = std::path::Path::new(&file).parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        let store = open(&format!("sqlite://{file}")).await;
        measure("SQLite file", store, users, runs).await;

        if let Ok(url) = std::env::var("KOGNIT_BENCH_POSTGRES") {
            let store = open(&url).await;
            let svc = Service::new(store.clone(), Settings::default(), &MasterKey::generate());
            let admin = svc
                .authenticate_admin(AdminCheck::AnyCaller {
                    claimed_key: "bench",
                })
                .await
                .unwrap();
            let pool_id = bench_pool(&svc, &admin).await;
            let have = store.count_users(&pool_id).await.unwrap();
            if have < users {
                drop(svc);
                drop(store);
                pg_fill_mode(&url, true).await;
                let store = open(&url).await;
                println!("\nPostgreSQL: {have} users, adding {}", users - have);
                fill(&store, &pool_id, have, users).await;
                drop(store);
                pg_fill_mode(&url, false).await;
                pg_analyze(&url).await;
            }
            measure("PostgreSQL", open(&url).await, users, runs).await;
        } else {
            println!("\nPostgreSQL skipped: set KOGNIT_BENCH_POSTGRES to a database URL");
        }
    });
}
