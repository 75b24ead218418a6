//! Citizen accounts in storage on every backend: accounts and their unique contact digests,
//! one-time codes and verification links, identity-host and site sessions, sign-in requests,
//! OIDC clients, grants and signing keys, and fixed-window rate counters.

use chrono::{DateTime, Duration, Utc};
use jiyue_db::testing::fresh_postgres_from_env;
use jiyue_db::{
    Assurance, CitizenId, CitizenKind, CodeCheck, CodePurpose, Db, DbError, GrantKind, NewCitizen,
    NewGrant, OidcClient, ProfileChange, SealedValue, SignInRequest, Verification,
    MAX_DISPLAY_NAME_CHARS,
};

use crate::fixtures::*;

const HOST: &str = "www.jl.gov.cn";
const OTHER_HOST: &str = "www.changchun.gov.cn";
const ISSUER: &str = "https://tyrz.example.gov.cn";

/// Builds a sealed value whose sealed text and index both contain `value`, so a test can
/// search a message for either.
fn sealed(value: &str) -> SealedValue {
    SealedValue {
        sealed: format!("v1.k1.nonce.sealed-{value}"),
        index: format!("index-{value}"),
    }
}

fn person(mobile: Option<&str>, email: Option<&str>) -> NewCitizen {
    NewCitizen {
        kind: CitizenKind::Person,
        display_name: "张三".to_string(),
        mobile: mobile.map(sealed),
        email: email.map(sealed),
        email_verified: false,
        password_hash: None,
        business_name: None,
        credit_code: None,
        upstream: None,
    }
}

async fn create_person(db: &Db, mobile: &str) -> CitizenId {
    db.create_citizen(person(Some(mobile), None)).await.unwrap()
}

fn now(db: &Db) -> DateTime<Utc> {
    db.clock().now()
}

fn new_grant(db: &Db, kind: GrantKind, citizen_id: CitizenId, sid: &str, family: &str) -> NewGrant {
    NewGrant {
        kind,
        client_id: "client-a".to_string(),
        citizen_id,
        sid: sid.to_string(),
        scope: "openid profile".to_string(),
        redirect_uri: Some("https://rp.example.cn/callback".to_string()),
        nonce: Some("nonce-1".to_string()),
        code_challenge: Some("challenge-1".to_string()),
        auth_time: now(db),
        family: family.to_string(),
        expires_at: now(db) + Duration::minutes(10),
    }
}

async fn store(db: &Db, digest: &str, grant: &NewGrant) {
    db.store_grant(digest, grant).await.unwrap();
}

async fn open_id_session(db: &Db, token: &str, sid: &str, citizen_id: CitizenId) {
    db.create_id_session(
        token,
        sid,
        citizen_id,
        "csrf-1",
        "sms",
        Duration::hours(8),
        None,
    )
    .await
    .unwrap();
}

async fn open_site_session(db: &Db, token: &str, host: &str, sid: &str, citizen_id: CitizenId) {
    db.create_site_session(token, host, sid, citizen_id, "csrf-s", Duration::hours(2))
        .await
        .unwrap();
}

fn client(client_id: &str, secret_hash: Option<&str>) -> OidcClient {
    OidcClient {
        client_id: client_id.to_string(),
        name: "政务服务网".to_string(),
        secret_hash: secret_hash.map(str::to_string),
        redirect_uris: vec![
            "https://rp.example.cn/callback".to_string(),
            "https://rp.example.cn/callback2".to_string(),
        ],
        post_logout_uris: vec!["https://rp.example.cn/".to_string()],
        disabled: false,
    }
}

fn sign_in_request(host: &str) -> SignInRequest {
    SignInRequest {
        host: host.to_string(),
        nonce: "nonce-x".to_string(),
        verifier: "verifier-x".to_string(),
        return_to: "/bsfw/".to_string(),
    }
}

// Accounts.

#[tokio::test]
async fn citizen_found_by_each_index() {
    for db in dbs().await {
        let mut new = person(Some("13800000001"), Some("a@example.cn"));
        new.email_verified = true;
        let id = db.create_citizen(new).await.unwrap();

        let citizen = db.citizen(id).await.unwrap().unwrap();
        assert_eq!(citizen.id, id, "{}", db.label());
        assert_eq!(citizen.kind, CitizenKind::Person);
        assert_eq!(citizen.display_name, "张三");
        assert_eq!(
            citizen.mobile_sealed.as_deref(),
            Some("v1.k1.nonce.sealed-13800000001")
        );
        assert_eq!(
            citizen.email_sealed.as_deref(),
            Some("v1.k1.nonce.sealed-a@example.cn")
        );
        assert!(citizen.email_verified);
        assert!(!citizen.has_password);
        assert_eq!(citizen.assurance, Assurance::Unverified);
        assert_eq!(citizen.assurance_source, None);
        assert_eq!(citizen.created_at, now(&db));
        assert_eq!(citizen.last_sign_in_at, None);

        let by_mobile = db.citizen_by_mobile("index-13800000001").await.unwrap();
        assert_eq!(by_mobile.map(|c| c.id), Some(id));
        let by_email = db.citizen_by_email("index-a@example.cn").await.unwrap();
        assert_eq!(by_email.map(|c| c.id), Some(id));
        // The sealed text is not a lookup key, and an unknown digest finds nothing.
        let by_sealed = db
            .citizen_by_mobile("v1.k1.nonce.sealed-13800000001")
            .await
            .unwrap();
        assert!(by_sealed.is_none());
        assert!(db
            .citizen_by_email("index-b@example.cn")
            .await
            .unwrap()
            .is_none());
        assert!(db.citizen(id + 100).await.unwrap().is_none());

        assert!(db
            .citizen_by_link(ISSUER, "subject-1")
            .await
            .unwrap()
            .is_none());
        db.link_citizen(id, ISSUER, "subject-1").await.unwrap();
        let by_link = db.citizen_by_link(ISSUER, "subject-1").await.unwrap();
        assert_eq!(by_link.map(|c| c.id), Some(id));
        assert!(db
            .citizen_by_link("https://other.example.cn", "subject-1")
            .await
            .unwrap()
            .is_none());
        // Linking the same subject again is harmless.
        db.link_citizen(id, ISSUER, "subject-1").await.unwrap();
        assert_eq!(count(&db, "citizen_links").await, 1);
    }
}

#[tokio::test]
async fn business_account_keeps_its_fields() {
    for db in dbs().await {
        let mut new = person(None, Some("corp@example.cn"));
        new.kind = CitizenKind::Business;
        new.business_name = Some("长春某某有限公司".to_string());
        new.credit_code = Some(department_code());
        new.password_hash = Some("$argon2id$v=19$hash".to_string());
        let id = db.create_citizen(new).await.unwrap();

        let citizen = db.citizen(id).await.unwrap().unwrap();
        assert_eq!(citizen.kind, CitizenKind::Business, "{}", db.label());
        assert_eq!(citizen.business_name.as_deref(), Some("长春某某有限公司"));
        assert_eq!(citizen.credit_code, Some(department_code()));
        assert_eq!(citizen.mobile_sealed, None);
        assert!(citizen.has_password);
    }
}

#[tokio::test]
async fn contact_clash_is_conflict_without_value() {
    for db in dbs().await {
        let first = db
            .create_citizen(person(Some("13800000001"), Some("a@example.cn")))
            .await
            .unwrap();

        let same_mobile = db
            .create_citizen(person(Some("13800000001"), Some("b@example.cn")))
            .await
            .unwrap_err();
        assert!(
            matches!(same_mobile, DbError::Conflict(_)),
            "{}: {same_mobile:?}",
            db.label()
        );
        let message = same_mobile.to_string();
        assert!(!message.contains("13800000001"), "{message}");
        assert!(!message.contains("sealed-"), "{message}");
        assert!(!message.contains("index-"), "{message}");

        let same_email = db
            .create_citizen(person(Some("13800000002"), Some("a@example.cn")))
            .await
            .unwrap_err();
        assert!(matches!(same_email, DbError::Conflict(_)), "{same_email:?}");
        assert!(!same_email.to_string().contains("a@example.cn"));
        assert_eq!(count(&db, "citizens").await, 1);

        // Changing another account to a used number clashes the same way.
        let second = create_person(&db, "13800000002").await;
        let moved = db
            .set_citizen_mobile(second, sealed("13800000001"))
            .await
            .unwrap_err();
        assert!(matches!(moved, DbError::Conflict(_)), "{moved:?}");
        assert!(!moved.to_string().contains("13800000001"), "{moved}");
        let email_moved = db
            .set_citizen_email(second, sealed("a@example.cn"), true)
            .await
            .unwrap_err();
        assert!(
            matches!(email_moved, DbError::Conflict(_)),
            "{email_moved:?}"
        );
        let unchanged = db.citizen_by_mobile("index-13800000001").await.unwrap();
        assert_eq!(unchanged.map(|c| c.id), Some(first));
    }
}

#[tokio::test]
async fn display_name_limits() {
    for db in dbs().await {
        let too_long = "长".repeat(MAX_DISPLAY_NAME_CHARS + 1);
        let longest = "长".repeat(MAX_DISPLAY_NAME_CHARS);
        for bad in [
            "",
            "   ",
            too_long.as_str(),
            "张\u{7}三",
            "张\n三",
            "张\u{0}三",
        ] {
            let mut new = person(Some("13800000001"), None);
            new.display_name = bad.to_string();
            let error = db.create_citizen(new).await.unwrap_err();
            assert!(
                matches!(error, DbError::Invalid(_)),
                "{}: {bad:?} gave {error:?}",
                db.label()
            );
        }
        assert_eq!(count(&db, "citizens").await, 0);

        let mut new = person(Some("13800000001"), None);
        new.display_name = longest.clone();
        let id = db.create_citizen(new).await.unwrap();
        assert_eq!(db.citizen(id).await.unwrap().unwrap().display_name, longest);

        // Surrounding spaces are trimmed before counting and storing.
        let mut new = person(Some("13800000002"), None);
        new.display_name = format!(" {longest} ");
        let trimmed = db.create_citizen(new).await.unwrap();
        assert_eq!(
            db.citizen(trimmed).await.unwrap().unwrap().display_name,
            longest
        );

        // The profile page applies the same limits and changes nothing on failure.
        let change = ProfileChange {
            display_name: Some(too_long.clone()),
            address_sealed: Some(Some("sealed-address".to_string())),
            ..ProfileChange::default()
        };
        let error = db.update_citizen_profile(id, change).await.unwrap_err();
        assert!(matches!(error, DbError::Invalid(_)), "{error:?}");
        let citizen = db.citizen(id).await.unwrap().unwrap();
        assert_eq!(citizen.display_name, longest);
        assert_eq!(citizen.address_sealed, None);
    }
}

#[tokio::test]
async fn account_without_contact_rejected() {
    for db in dbs().await {
        let error = db.create_citizen(person(None, None)).await.unwrap_err();
        assert!(
            matches!(error, DbError::Invalid(_)),
            "{}: {error:?}",
            db.label()
        );
        assert_eq!(count(&db, "citizens").await, 0);
    }
}

#[tokio::test]
async fn profile_change_sets_and_clears() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        let change = ProfileChange {
            display_name: Some("李四".to_string()),
            address_sealed: Some(Some("sealed-address".to_string())),
            business_name: Some(Some("某某商行".to_string())),
            credit_code: Some(Some(city_code())),
        };
        db.update_citizen_profile(id, change).await.unwrap();
        let citizen = db.citizen(id).await.unwrap().unwrap();
        assert_eq!(citizen.display_name, "李四", "{}", db.label());
        assert_eq!(citizen.address_sealed.as_deref(), Some("sealed-address"));
        assert_eq!(citizen.business_name.as_deref(), Some("某某商行"));
        assert_eq!(citizen.credit_code, Some(city_code()));

        // `None` leaves a field alone, and `Some(None)` clears it.
        let change = ProfileChange {
            address_sealed: Some(None),
            ..ProfileChange::default()
        };
        db.update_citizen_profile(id, change).await.unwrap();
        let citizen = db.citizen(id).await.unwrap().unwrap();
        assert_eq!(citizen.display_name, "李四");
        assert_eq!(citizen.address_sealed, None);
        assert_eq!(citizen.business_name.as_deref(), Some("某某商行"));
        assert_eq!(citizen.credit_code, Some(city_code()));

        let missing = db
            .update_citizen_profile(id + 100, ProfileChange::default())
            .await
            .unwrap_err();
        assert!(missing.is_not_found(), "{missing:?}");
    }
}

#[tokio::test]
async fn password_and_contacts_change() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        assert_eq!(db.citizen_password_hash(id).await.unwrap(), None);

        db.set_citizen_password(id, "$argon2id$v=19$first")
            .await
            .unwrap();
        db.set_citizen_password(id, "$argon2id$v=19$second")
            .await
            .unwrap();
        assert_eq!(
            db.citizen_password_hash(id).await.unwrap().as_deref(),
            Some("$argon2id$v=19$second"),
            "{}",
            db.label()
        );
        assert!(db.citizen(id).await.unwrap().unwrap().has_password);
        assert_eq!(db.citizen_password_hash(id + 100).await.unwrap(), None);
        let missing = db
            .set_citizen_password(id + 100, "$argon2id$v=19$x")
            .await
            .unwrap_err();
        assert!(missing.is_not_found(), "{missing:?}");

        db.set_citizen_mobile(id, sealed("13800000009"))
            .await
            .unwrap();
        assert!(db
            .citizen_by_mobile("index-13800000001")
            .await
            .unwrap()
            .is_none());
        let moved = db.citizen_by_mobile("index-13800000009").await.unwrap();
        assert_eq!(moved.map(|c| c.id), Some(id));

        db.set_citizen_email(id, sealed("new@example.cn"), true)
            .await
            .unwrap();
        let citizen = db
            .citizen_by_email("index-new@example.cn")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(citizen.id, id);
        assert!(citizen.email_verified);
        assert_eq!(
            citizen.email_sealed.as_deref(),
            Some("v1.k1.nonce.sealed-new@example.cn")
        );

        assert_eq!(citizen.last_sign_in_at, None);
        db.clock.advance(Duration::minutes(3));
        db.note_citizen_sign_in(id).await.unwrap();
        let citizen = db.citizen(id).await.unwrap().unwrap();
        assert_eq!(citizen.last_sign_in_at, Some(now(&db)));
    }
}

#[tokio::test]
async fn verify_raises_assurance_keeps_facts() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        let first = Verification {
            source: ISSUER.to_string(),
            real_name_sealed: Some("sealed-name".to_string()),
            id_number: Some(sealed("220102199001011234")),
        };
        db.verify_citizen(id, first).await.unwrap();
        let citizen = db.citizen(id).await.unwrap().unwrap();
        assert_eq!(citizen.assurance, Assurance::Verified, "{}", db.label());
        assert_eq!(citizen.assurance_source.as_deref(), Some(ISSUER));
        assert_eq!(citizen.real_name_sealed.as_deref(), Some("sealed-name"));
        assert_eq!(
            citizen.id_number_sealed.as_deref(),
            Some("v1.k1.nonce.sealed-220102199001011234")
        );

        // A second provider that vouches for nothing new keeps the stored facts.
        let second = Verification {
            source: "https://second.example.cn".to_string(),
            real_name_sealed: None,
            id_number: None,
        };
        db.verify_citizen(id, second).await.unwrap();
        let citizen = db.citizen(id).await.unwrap().unwrap();
        assert_eq!(citizen.assurance, Assurance::Verified);
        assert_eq!(
            citizen.assurance_source.as_deref(),
            Some("https://second.example.cn")
        );
        assert_eq!(citizen.real_name_sealed.as_deref(), Some("sealed-name"));
        assert_eq!(
            citizen.id_number_sealed.as_deref(),
            Some("v1.k1.nonce.sealed-220102199001011234")
        );

        let missing = db
            .verify_citizen(
                id + 100,
                Verification {
                    source: ISSUER.to_string(),
                    real_name_sealed: None,
                    id_number: None,
                },
            )
            .await
            .unwrap_err();
        assert!(missing.is_not_found(), "{missing:?}");
    }
}

/// Gives an account one of every dependent row: a code to its mobile and to its e-mail, an
/// identity session, a site session, a grant and a link.
async fn give_dependents(db: &Db, id: CitizenId, tag: &str) {
    let mobile = format!("index-mobile-{tag}");
    let email = format!("index-{tag}@example.cn");
    let lifetime = Duration::minutes(5);
    db.create_code(CodePurpose::SignInMobile, &mobile, "d1", None, lifetime)
        .await
        .unwrap();
    db.create_code(CodePurpose::VerifyEmail, &email, "d2", None, lifetime)
        .await
        .unwrap();
    open_id_session(db, &format!("id-{tag}"), &format!("sid-{tag}"), id).await;
    open_site_session(db, &format!("site-{tag}"), HOST, &format!("sid-{tag}"), id).await;
    let grant = new_grant(db, GrantKind::Access, id, &format!("sid-{tag}"), tag);
    store(db, &format!("access-{tag}"), &grant).await;
    db.link_citizen(id, ISSUER, &format!("subject-{tag}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn delete_removes_dependent_rows() {
    for db in dbs().await {
        let mut doomed = person(Some("mobile-a"), Some("a@example.cn"));
        doomed.display_name = "甲".to_string();
        let a = db.create_citizen(doomed).await.unwrap();
        let b = db
            .create_citizen(person(Some("mobile-b"), Some("b@example.cn")))
            .await
            .unwrap();
        give_dependents(&db, a, "a").await;
        give_dependents(&db, b, "b").await;

        assert!(db.delete_citizen(a).await.unwrap(), "{}", db.label());
        assert!(db.citizen(a).await.unwrap().is_none());
        assert!(db
            .citizen_by_mobile("index-mobile-a")
            .await
            .unwrap()
            .is_none());
        assert!(db
            .citizen_by_link(ISSUER, "subject-a")
            .await
            .unwrap()
            .is_none());
        assert!(db.id_session("id-a").await.unwrap().is_none());
        assert!(db.site_session("site-a", HOST).await.unwrap().is_none());
        assert!(db.access_grant("access-a").await.unwrap().is_none());
        // Only the other account's rows remain: two codes and one row of everything else.
        for (table, left) in [
            ("citizens", 1),
            ("citizen_codes", 2),
            ("id_sessions", 1),
            ("site_sessions", 1),
            ("oidc_grants", 1),
            ("citizen_links", 1),
        ] {
            assert_eq!(count(&db, table).await, left, "{}: {table}", db.label());
        }

        // The other account and all its rows are untouched.
        assert!(db.citizen(b).await.unwrap().is_some());
        let by_link = db.citizen_by_link(ISSUER, "subject-b").await.unwrap();
        assert_eq!(by_link.map(|c| c.id), Some(b));
        assert!(db.id_session("id-b").await.unwrap().is_some());
        assert!(db.site_session("site-b", HOST).await.unwrap().is_some());
        assert!(db.access_grant("access-b").await.unwrap().is_some());
        let code = db
            .check_code(CodePurpose::SignInMobile, "index-mobile-b", "d1", 5)
            .await
            .unwrap();
        assert_eq!(code, CodeCheck::Valid { payload: None });

        assert!(!db.delete_citizen(a).await.unwrap());
    }
}

// One-time codes and verification links.

#[tokio::test]
async fn only_newest_code_works() {
    for db in dbs().await {
        let (purpose, target) = (CodePurpose::SignInMobile, "index-13800000001");
        let lifetime = Duration::minutes(5);
        db.create_code(purpose, target, "old", Some("first"), lifetime)
            .await
            .unwrap();
        db.create_code(purpose, target, "new", Some("second"), lifetime)
            .await
            .unwrap();

        let old = db.check_code(purpose, target, "old", 5).await.unwrap();
        assert_eq!(old, CodeCheck::Wrong { left: 4 }, "{}", db.label());
        let new = db.check_code(purpose, target, "new", 5).await.unwrap();
        assert_eq!(
            new,
            CodeCheck::Valid {
                payload: Some("second".to_string())
            }
        );
        // Used codes are gone, the older one included.
        let again = db.check_code(purpose, target, "new", 5).await.unwrap();
        assert_eq!(again, CodeCheck::Missing);
        let old = db.check_code(purpose, target, "old", 5).await.unwrap();
        assert_eq!(old, CodeCheck::Missing);
    }
}

#[tokio::test]
async fn wrong_guesses_burn_code() {
    for db in dbs().await {
        let (purpose, target) = (CodePurpose::ResetPassword, "index-a@example.cn");
        db.create_code(purpose, target, "right", None, Duration::minutes(10))
            .await
            .unwrap();
        let first = db.check_code(purpose, target, "wrong", 3).await.unwrap();
        assert_eq!(first, CodeCheck::Wrong { left: 2 }, "{}", db.label());
        let second = db.check_code(purpose, target, "wrong", 3).await.unwrap();
        assert_eq!(second, CodeCheck::Wrong { left: 1 });
        let third = db.check_code(purpose, target, "wrong", 3).await.unwrap();
        assert_eq!(third, CodeCheck::Missing);
        let right = db.check_code(purpose, target, "right", 3).await.unwrap();
        assert_eq!(right, CodeCheck::Missing);

        // A right code after fewer wrong guesses than the limit still works.
        db.create_code(purpose, target, "right2", Some("p"), Duration::minutes(10))
            .await
            .unwrap();
        let wrong = db.check_code(purpose, target, "wrong", 3).await.unwrap();
        assert_eq!(wrong, CodeCheck::Wrong { left: 2 });
        let right = db.check_code(purpose, target, "right2", 3).await.unwrap();
        assert_eq!(
            right,
            CodeCheck::Valid {
                payload: Some("p".to_string())
            }
        );
    }
}

#[tokio::test]
async fn code_checks_purpose_target_and_expiry() {
    for db in dbs().await {
        let (purpose, target) = (CodePurpose::ChangeMobile, "index-13800000001");
        db.create_code(purpose, target, "right", None, Duration::minutes(5))
            .await
            .unwrap();

        let other_purpose = db
            .check_code(CodePurpose::SignInMobile, target, "right", 5)
            .await
            .unwrap();
        assert_eq!(other_purpose, CodeCheck::Missing, "{}", db.label());
        let other_target = db
            .check_code(purpose, "index-13800000002", "right", 5)
            .await
            .unwrap();
        assert_eq!(other_target, CodeCheck::Missing);

        db.clock.advance(Duration::minutes(5));
        let expired = db.check_code(purpose, target, "right", 5).await.unwrap();
        assert_eq!(expired, CodeCheck::Missing);

        // Just before expiry the code works.
        db.create_code(purpose, target, "fresh", None, Duration::minutes(5))
            .await
            .unwrap();
        db.clock
            .advance(Duration::minutes(5) - Duration::seconds(1));
        let fresh = db.check_code(purpose, target, "fresh", 5).await.unwrap();
        assert_eq!(fresh, CodeCheck::Valid { payload: None });
    }
}

#[tokio::test]
async fn codes_sent_within_counts_window() {
    for db in dbs().await {
        let (purpose, target) = (CodePurpose::SignInMobile, "index-13800000001");
        let lifetime = Duration::minutes(5);
        for digest in ["a", "b"] {
            db.create_code(purpose, target, digest, None, lifetime)
                .await
                .unwrap();
        }
        db.clock.advance(Duration::minutes(30));
        db.create_code(purpose, target, "c", None, lifetime)
            .await
            .unwrap();
        db.create_code(CodePurpose::VerifyEmail, target, "d", None, lifetime)
            .await
            .unwrap();
        db.create_code(purpose, "index-13800000002", "e", None, lifetime)
            .await
            .unwrap();

        let hour = db
            .codes_sent_within(purpose, target, Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(hour, 3, "{}", db.label());
        let ten_minutes = db
            .codes_sent_within(purpose, target, Duration::minutes(10))
            .await
            .unwrap();
        assert_eq!(ten_minutes, 1);
        let unknown = db
            .codes_sent_within(purpose, "index-none", Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(unknown, 0);
    }
}

#[tokio::test]
async fn link_works_once() {
    for db in dbs().await {
        let target = "index-a@example.cn";
        let lifetime = Duration::hours(24);
        db.create_code(
            CodePurpose::VerifyEmail,
            target,
            "link-1",
            Some("citizen:7"),
            lifetime,
        )
        .await
        .unwrap();

        let wrong_purpose = db
            .use_link(CodePurpose::ResetPassword, "link-1")
            .await
            .unwrap();
        assert_eq!(wrong_purpose, None, "{}", db.label());
        let unknown = db
            .use_link(CodePurpose::VerifyEmail, "link-2")
            .await
            .unwrap();
        assert_eq!(unknown, None);

        let used = db
            .use_link(CodePurpose::VerifyEmail, "link-1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(used.target, target);
        assert_eq!(used.payload.as_deref(), Some("citizen:7"));
        let again = db
            .use_link(CodePurpose::VerifyEmail, "link-1")
            .await
            .unwrap();
        assert_eq!(again, None);

        db.create_code(CodePurpose::ResetPassword, target, "link-3", None, lifetime)
            .await
            .unwrap();
        db.clock.advance(lifetime);
        let expired = db
            .use_link(CodePurpose::ResetPassword, "link-3")
            .await
            .unwrap();
        assert_eq!(expired, None);
    }
}

#[tokio::test]
async fn prune_codes_removes_day_old() {
    for db in dbs().await {
        let purpose = CodePurpose::SignInMobile;
        db.create_code(purpose, "index-1", "a", None, Duration::minutes(5))
            .await
            .unwrap();
        db.create_code(purpose, "index-2", "b", None, Duration::hours(20))
            .await
            .unwrap();
        db.clock.advance(Duration::days(1));
        // The first expired a day minus five minutes ago, so it stays another five minutes.
        assert_eq!(db.prune_codes().await.unwrap(), 0, "{}", db.label());
        db.clock.advance(Duration::minutes(6));
        assert_eq!(db.prune_codes().await.unwrap(), 1);
        assert_eq!(count(&db, "citizen_codes").await, 1);
        db.clock.advance(Duration::hours(20));
        assert_eq!(db.prune_codes().await.unwrap(), 1);
        assert_eq!(count(&db, "citizen_codes").await, 0);
    }
}

/// Parallel wrong guesses on PostgreSQL each count: no more than `max_attempts - 1` of them
/// may return `Wrong`, each with a different number of tries left.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_all_count() {
    let Some(db) = fresh_postgres_from_env().await.unwrap() else {
        eprintln!("JIYUE_TEST_DATABASE_URL is not set: the parallel-guess test needs PostgreSQL");
        return;
    };
    let (purpose, target) = (CodePurpose::SignInMobile, "index-13800000001");
    db.create_code(purpose, target, "right", None, Duration::minutes(5))
        .await
        .unwrap();

    let mut guesses = Vec::new();
    for n in 0..16 {
        let db = db.db.clone();
        guesses.push(tokio::spawn(async move {
            db.check_code(purpose, target, &format!("wrong-{n}"), 5)
                .await
                .unwrap()
        }));
    }
    let mut lefts = Vec::new();
    for guess in guesses {
        if let CodeCheck::Wrong { left } = guess.await.unwrap() {
            lefts.push(left);
        }
    }
    lefts.sort_unstable();
    assert_eq!(lefts, vec![1, 2, 3, 4], "every parallel guess must count");
    let right = db.check_code(purpose, target, "right", 5).await.unwrap();
    assert_eq!(right, CodeCheck::Missing);
}

/// Two nodes racing for one authorization code on PostgreSQL: exactly one of them wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_code_use_wins_once() {
    let Some(db) = fresh_postgres_from_env().await.unwrap() else {
        eprintln!("JIYUE_TEST_DATABASE_URL is not set: the parallel-use test needs PostgreSQL");
        return;
    };
    let id = create_person(&db, "13800000001").await;
    let code = new_grant(&db, GrantKind::Code, id, "sid-1", "family-1");
    store(&db, "code-1", &code).await;

    let mut uses = Vec::new();
    for _ in 0..8 {
        let db = db.db.clone();
        uses.push(tokio::spawn(async move {
            db.use_grant("code-1", GrantKind::Code).await.unwrap()
        }));
    }
    let mut winners = 0;
    for attempt in uses {
        if attempt.await.unwrap().is_some() {
            winners += 1;
        }
    }
    assert_eq!(winners, 1);
}

/// Parallel hits on one counter on PostgreSQL: each hit returns a different count.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_rate_hits_all_count() {
    let Some(db) = fresh_postgres_from_env().await.unwrap() else {
        eprintln!("JIYUE_TEST_DATABASE_URL is not set: the parallel-hit test needs PostgreSQL");
        return;
    };
    let window = Duration::minutes(1);
    let mut hits = Vec::new();
    for _ in 0..16 {
        let db = db.db.clone();
        hits.push(tokio::spawn(async move {
            db.hit_rate("sms:13800000001", window).await.unwrap()
        }));
    }
    let mut counts = Vec::new();
    for hit in hits {
        counts.push(hit.await.unwrap());
    }
    counts.sort_unstable();
    assert_eq!(counts, (1..=16).collect::<Vec<u64>>());
    assert_eq!(db.rate_hits("sms:13800000001", window).await.unwrap(), 16);
}

// Sessions and sign-in requests.

#[tokio::test]
async fn id_session_lives_until_expiry() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        let start = now(&db);
        db.create_id_session(
            "token-1",
            "sid-1",
            id,
            "csrf-1",
            "sms,pwd",
            Duration::hours(8),
            None,
        )
        .await
        .unwrap();

        let session = db.id_session("token-1").await.unwrap().unwrap();
        assert_eq!(session.sid, "sid-1", "{}", db.label());
        assert_eq!(session.citizen_id, id);
        assert_eq!(session.csrf_token, "csrf-1");
        assert_eq!(session.methods, "sms,pwd");
        assert_eq!(session.auth_time, start);
        assert_eq!(session.expires_at, start + Duration::hours(8));
        assert!(db.id_session("token-2").await.unwrap().is_none());
        assert!(db.sid_is_live("sid-1").await.unwrap());
        assert!(!db.sid_is_live("sid-2").await.unwrap());

        db.clock.advance(Duration::hours(8) - Duration::seconds(1));
        assert!(db.id_session("token-1").await.unwrap().is_some());
        db.clock.advance(Duration::seconds(1));
        assert!(db.id_session("token-1").await.unwrap().is_none());
        assert!(!db.sid_is_live("sid-1").await.unwrap());
    }
}

#[tokio::test]
async fn replacing_id_session_revokes_old() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        open_id_session(&db, "token-1", "sid-1", id).await;
        db.create_id_session(
            "token-2",
            "sid-2",
            id,
            "csrf-2",
            "sms,pwd",
            Duration::hours(8),
            Some("token-1"),
        )
        .await
        .unwrap();

        assert!(
            db.id_session("token-1").await.unwrap().is_none(),
            "{}",
            db.label()
        );
        assert!(!db.sid_is_live("sid-1").await.unwrap());
        let session = db.id_session("token-2").await.unwrap().unwrap();
        assert_eq!(session.sid, "sid-2");
        assert_eq!(session.methods, "sms,pwd");
    }
}

#[tokio::test]
async fn end_sid_ends_only_that_sid() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        for sid in ["sid-1", "sid-2"] {
            open_id_session(&db, &format!("id-{sid}"), sid, id).await;
            open_site_session(&db, &format!("site-{sid}"), HOST, sid, id).await;
            let code = new_grant(&db, GrantKind::Code, id, sid, &format!("family-{sid}"));
            store(&db, &format!("code-{sid}"), &code).await;
            let access = new_grant(&db, GrantKind::Access, id, sid, &format!("family-{sid}"));
            store(&db, &format!("access-{sid}"), &access).await;
        }

        // One identity session, one site session, one code and one access token.
        assert_eq!(db.end_sid("sid-1").await.unwrap(), 4, "{}", db.label());
        assert!(db.id_session("id-sid-1").await.unwrap().is_none());
        assert!(!db.sid_is_live("sid-1").await.unwrap());
        assert!(db.site_session("site-sid-1", HOST).await.unwrap().is_none());
        assert!(db.access_grant("access-sid-1").await.unwrap().is_none());
        let code = db.use_grant("code-sid-1", GrantKind::Code).await.unwrap();
        assert!(code.is_none());

        assert!(db.id_session("id-sid-2").await.unwrap().is_some());
        assert!(db.sid_is_live("sid-2").await.unwrap());
        assert!(db.site_session("site-sid-2", HOST).await.unwrap().is_some());
        assert!(db.access_grant("access-sid-2").await.unwrap().is_some());
        let code = db.use_grant("code-sid-2", GrantKind::Code).await.unwrap();
        assert!(code.is_some());

        // Ending it again ends nothing.
        assert_eq!(db.end_sid("sid-1").await.unwrap(), 0);
    }
}

#[tokio::test]
async fn end_citizen_sessions_spares_others() {
    for db in dbs().await {
        let a = create_person(&db, "13800000001").await;
        let b = create_person(&db, "13800000002").await;
        for (id, tag) in [(a, "a"), (b, "b")] {
            let sid = format!("sid-{tag}");
            open_id_session(&db, &format!("id-{tag}"), &sid, id).await;
            open_site_session(&db, &format!("site-{tag}"), HOST, &sid, id).await;
            let refresh = new_grant(&db, GrantKind::Refresh, id, &sid, tag);
            store(&db, &format!("refresh-{tag}"), &refresh).await;
        }

        assert_eq!(
            db.end_citizen_sessions(a).await.unwrap(),
            3,
            "{}",
            db.label()
        );
        assert!(db.id_session("id-a").await.unwrap().is_none());
        assert!(db.site_session("site-a", HOST).await.unwrap().is_none());
        let refresh = db.use_grant("refresh-a", GrantKind::Refresh).await.unwrap();
        assert!(refresh.is_none());

        assert!(db.id_session("id-b").await.unwrap().is_some());
        assert!(db.site_session("site-b", HOST).await.unwrap().is_some());
        let refresh = db.use_grant("refresh-b", GrantKind::Refresh).await.unwrap();
        assert!(refresh.is_some());
    }
}

#[tokio::test]
async fn site_session_bound_to_host() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        let start = now(&db);
        open_site_session(&db, "site-token", HOST, "sid-1", id).await;

        let session = db.site_session("site-token", HOST).await.unwrap().unwrap();
        assert_eq!(session.host, HOST, "{}", db.label());
        assert_eq!(session.sid, "sid-1");
        assert_eq!(session.citizen_id, id);
        assert_eq!(session.csrf_token, "csrf-s");
        assert_eq!(session.expires_at, start + Duration::hours(2));
        let elsewhere = db.site_session("site-token", OTHER_HOST).await.unwrap();
        assert!(elsewhere.is_none());

        db.clock.advance(Duration::hours(2));
        assert!(db.site_session("site-token", HOST).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn sign_in_request_works_once() {
    for db in dbs().await {
        let lifetime = Duration::minutes(10);
        db.create_sign_in_request("state-1", &sign_in_request(HOST), lifetime)
            .await
            .unwrap();

        // Another host cannot take it, and trying does not use it up.
        let elsewhere = db
            .take_sign_in_request("state-1", OTHER_HOST)
            .await
            .unwrap();
        assert!(elsewhere.is_none(), "{}", db.label());
        let request = db
            .take_sign_in_request("state-1", HOST)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(request.host, HOST);
        assert_eq!(request.nonce, "nonce-x");
        assert_eq!(request.verifier, "verifier-x");
        assert_eq!(request.return_to, "/bsfw/");
        let again = db.take_sign_in_request("state-1", HOST).await.unwrap();
        assert!(again.is_none());

        db.create_sign_in_request("state-2", &sign_in_request(HOST), lifetime)
            .await
            .unwrap();
        db.clock.advance(lifetime);
        let expired = db.take_sign_in_request("state-2", HOST).await.unwrap();
        assert!(expired.is_none());
    }
}

#[tokio::test]
async fn old_sign_in_requests_are_deleted() {
    for db in dbs().await {
        let lifetime = Duration::minutes(10);
        db.create_sign_in_request("state-1", &sign_in_request(HOST), lifetime)
            .await
            .unwrap();
        db.clock
            .advance(Duration::days(1) + lifetime + Duration::seconds(1));
        db.create_sign_in_request("state-2", &sign_in_request(HOST), lifetime)
            .await
            .unwrap();
        assert_eq!(count(&db, "sign_in_requests").await, 1, "{}", db.label());
    }
}

// OIDC grants, clients and keys.

#[tokio::test]
async fn code_replay_revokes_family() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        let code = new_grant(&db, GrantKind::Code, id, "sid-1", "family-1");
        store(&db, "code-1", &code).await;

        let used = db
            .use_grant("code-1", GrantKind::Code)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(used.kind, GrantKind::Code, "{}", db.label());
        assert_eq!(used.client_id, "client-a");
        assert_eq!(used.citizen_id, id);
        assert_eq!(used.sid, "sid-1");
        assert_eq!(used.scope, "openid profile");
        assert_eq!(
            used.redirect_uri.as_deref(),
            Some("https://rp.example.cn/callback")
        );
        assert_eq!(used.nonce.as_deref(), Some("nonce-1"));
        assert_eq!(used.code_challenge.as_deref(), Some("challenge-1"));
        assert_eq!(used.auth_time, code.auth_time);
        assert_eq!(used.family, "family-1");
        assert_eq!(used.expires_at, code.expires_at);

        // The tokens issued for the code.
        let access = new_grant(&db, GrantKind::Access, id, "sid-1", "family-1");
        store(&db, "access-1", &access).await;
        let refresh = new_grant(&db, GrantKind::Refresh, id, "sid-1", "family-1");
        store(&db, "refresh-1", &refresh).await;
        let other = new_grant(&db, GrantKind::Access, id, "sid-1", "family-2");
        store(&db, "access-2", &other).await;
        assert!(db.access_grant("access-1").await.unwrap().is_some());

        // The code presented a second time revokes everything issued from it.
        let replay = db.use_grant("code-1", GrantKind::Code).await.unwrap();
        assert!(replay.is_none());
        assert!(db.access_grant("access-1").await.unwrap().is_none());
        let refresh = db.use_grant("refresh-1", GrantKind::Refresh).await.unwrap();
        assert!(refresh.is_none());
        assert!(db.access_grant("access-2").await.unwrap().is_some());
    }
}

#[tokio::test]
async fn refresh_token_rotates() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        let refresh = new_grant(&db, GrantKind::Refresh, id, "sid-1", "family-1");
        store(&db, "refresh-1", &refresh).await;

        // Rotation: the first token is used and a new token of the same family is stored.
        let used = db
            .use_grant("refresh-1", GrantKind::Refresh)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(used.kind, GrantKind::Refresh, "{}", db.label());
        assert_eq!(used.family, "family-1");
        store(&db, "refresh-2", &refresh).await;
        let access = new_grant(&db, GrantKind::Access, id, "sid-1", "family-1");
        store(&db, "access-2", &access).await;
        let rotated = db.use_grant("refresh-2", GrantKind::Refresh).await.unwrap();
        assert!(rotated.is_some());
        store(&db, "refresh-3", &refresh).await;

        // A token of one kind is not found as another kind.
        let as_code = db.use_grant("refresh-3", GrantKind::Code).await.unwrap();
        assert!(as_code.is_none());

        // The stolen first token, presented again, ends the whole family.
        let replay = db.use_grant("refresh-1", GrantKind::Refresh).await.unwrap();
        assert!(replay.is_none());
        let newest = db.use_grant("refresh-3", GrantKind::Refresh).await.unwrap();
        assert!(newest.is_none());
        assert!(db.access_grant("access-2").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn expired_grants_are_none() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        let access = new_grant(&db, GrantKind::Access, id, "sid-1", "family-1");
        store(&db, "access-1", &access).await;
        let code = new_grant(&db, GrantKind::Code, id, "sid-1", "family-1");
        store(&db, "code-1", &code).await;
        let mut refresh = new_grant(&db, GrantKind::Refresh, id, "sid-1", "family-1");
        refresh.expires_at = now(&db) + Duration::days(30);
        store(&db, "refresh-1", &refresh).await;

        let live = db.access_grant("access-1").await.unwrap().unwrap();
        assert_eq!(live.kind, GrantKind::Access, "{}", db.label());
        assert_eq!(live.scope, "openid profile");
        // A code is not an access token.
        assert!(db.access_grant("code-1").await.unwrap().is_none());

        db.clock.advance(Duration::minutes(10));
        assert!(db.access_grant("access-1").await.unwrap().is_none());
        let expired = db.use_grant("code-1", GrantKind::Code).await.unwrap();
        assert!(expired.is_none());
        // An expired code that was never used is no replay: the family lives on.
        let refresh = db.use_grant("refresh-1", GrantKind::Refresh).await.unwrap();
        assert!(refresh.is_some());
    }
}

#[tokio::test]
async fn revoke_grant_by_kind() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        for (digest, kind) in [
            ("access-1", GrantKind::Access),
            ("access-2", GrantKind::Access),
            ("refresh-1", GrantKind::Refresh),
        ] {
            store(&db, digest, &new_grant(&db, kind, id, "sid-1", "family-1")).await;
        }
        let other = new_grant(&db, GrantKind::Access, id, "sid-1", "family-2");
        store(&db, "access-3", &other).await;

        // Revoking an access token revokes only that token.
        assert!(db.revoke_grant("access-1").await.unwrap(), "{}", db.label());
        assert!(db.access_grant("access-1").await.unwrap().is_none());
        assert!(db.access_grant("access-2").await.unwrap().is_some());
        assert!(!db.revoke_grant("access-1").await.unwrap());

        // Revoking a refresh token revokes its family.
        assert!(db.revoke_grant("refresh-1").await.unwrap());
        assert!(db.access_grant("access-2").await.unwrap().is_none());
        let refresh = db.use_grant("refresh-1", GrantKind::Refresh).await.unwrap();
        assert!(refresh.is_none());
        assert!(db.access_grant("access-3").await.unwrap().is_some());

        assert!(!db.revoke_grant("unknown").await.unwrap());
    }
}

#[tokio::test]
async fn prune_grants_removes_day_old() {
    for db in dbs().await {
        let id = create_person(&db, "13800000001").await;
        let short = new_grant(&db, GrantKind::Code, id, "sid-1", "family-1");
        store(&db, "code-1", &short).await;
        let mut long = new_grant(&db, GrantKind::Refresh, id, "sid-1", "family-1");
        long.expires_at = now(&db) + Duration::days(30);
        store(&db, "refresh-1", &long).await;

        db.clock.advance(Duration::days(1));
        assert_eq!(db.prune_grants().await.unwrap(), 0, "{}", db.label());
        db.clock.advance(Duration::minutes(11));
        assert_eq!(db.prune_grants().await.unwrap(), 1);
        assert_eq!(count(&db, "oidc_grants").await, 1);
        let refresh = db.use_grant("refresh-1", GrantKind::Refresh).await.unwrap();
        assert!(refresh.is_some());
    }
}

#[tokio::test]
async fn client_save_and_update() {
    for db in dbs().await {
        assert!(
            db.oidc_client("client-a").await.unwrap().is_none(),
            "{}",
            db.label()
        );
        db.save_oidc_client(&client("client-a", Some("$argon2id$secret")))
            .await
            .unwrap();
        let saved = db.oidc_client("client-a").await.unwrap().unwrap();
        assert_eq!(saved.client_id, "client-a");
        assert_eq!(saved.name, "政务服务网");
        assert_eq!(saved.secret_hash.as_deref(), Some("$argon2id$secret"));
        assert_eq!(
            saved.redirect_uris,
            vec![
                "https://rp.example.cn/callback".to_string(),
                "https://rp.example.cn/callback2".to_string()
            ]
        );
        assert_eq!(saved.post_logout_uris, vec!["https://rp.example.cn/"]);
        assert!(!saved.disabled);

        // An update without a secret keeps the stored one.
        let mut update = client("client-a", None);
        update.name = "新名称".to_string();
        update.redirect_uris = vec!["https://rp.example.cn/new".to_string()];
        update.post_logout_uris = Vec::new();
        update.disabled = true;
        db.save_oidc_client(&update).await.unwrap();
        let updated = db.oidc_client("client-a").await.unwrap().unwrap();
        assert_eq!(updated.name, "新名称");
        assert_eq!(updated.secret_hash.as_deref(), Some("$argon2id$secret"));
        assert_eq!(updated.redirect_uris, vec!["https://rp.example.cn/new"]);
        assert!(updated.post_logout_uris.is_empty());
        assert!(updated.disabled);

        update.disabled = false;
        update.secret_hash = Some("$argon2id$rotated".to_string());
        db.save_oidc_client(&update).await.unwrap();
        let enabled = db.oidc_client("client-a").await.unwrap().unwrap();
        assert!(!enabled.disabled);
        assert_eq!(enabled.secret_hash.as_deref(), Some("$argon2id$rotated"));

        // A public client has no secret.
        db.save_oidc_client(&client("public", None)).await.unwrap();
        let public = db.oidc_client("public").await.unwrap().unwrap();
        assert_eq!(public.secret_hash, None);
    }
}

#[tokio::test]
async fn client_without_redirect_uri_rejected() {
    for db in dbs().await {
        let mut bad = client("client-a", None);
        bad.redirect_uris = Vec::new();
        let error = db.save_oidc_client(&bad).await.unwrap_err();
        assert!(
            matches!(error, DbError::Invalid(_)),
            "{}: {error:?}",
            db.label()
        );
        assert!(error.to_string().contains("client-a"), "{error}");
        assert!(db.oidc_client("client-a").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn keys_newest_first_and_retired() {
    for db in dbs().await {
        assert!(db.oidc_keys().await.unwrap().is_empty(), "{}", db.label());
        let first_at = now(&db);
        db.add_oidc_key("k1", "sealed-1", false).await.unwrap();
        db.clock.advance(Duration::days(30));
        db.add_oidc_key("k2", "sealed-2", false).await.unwrap();

        let keys = db.oidc_keys().await.unwrap();
        let kids: Vec<&str> = keys.iter().map(|key| key.kid.as_str()).collect();
        assert_eq!(kids, ["k2", "k1"]);
        assert_eq!(keys[1].sealed_key, "sealed-1");
        assert_eq!(keys[1].created_at, first_at);
        assert!(keys.iter().all(|key| key.retired_at.is_none()));

        db.clock.advance(Duration::days(30));
        let rotated_at = now(&db);
        db.add_oidc_key("k3", "sealed-3", true).await.unwrap();
        let keys = db.oidc_keys().await.unwrap();
        let kids: Vec<&str> = keys.iter().map(|key| key.kid.as_str()).collect();
        assert_eq!(kids, ["k3", "k2", "k1"]);
        assert_eq!(keys[0].retired_at, None);
        assert_eq!(keys[1].retired_at, Some(rotated_at));
        assert_eq!(keys[2].retired_at, Some(rotated_at));

        // Adding a kid that exists again retires the others but not that key.
        db.clock.advance(Duration::days(1));
        db.add_oidc_key("k3", "sealed-3", true).await.unwrap();
        let keys = db.oidc_keys().await.unwrap();
        assert_eq!(keys.len(), 3);
        assert_eq!(keys[0].kid, "k3");
        assert_eq!(keys[0].retired_at, None, "the signing key was retired");
        assert_eq!(keys[1].retired_at, Some(rotated_at));
    }
}

// Rate counters.

#[tokio::test]
async fn rate_counts_within_window_only() {
    for db in dbs().await {
        let window = Duration::minutes(1);
        // The test clock starts on a whole minute, so the window starts now.
        for expected in 1..=3 {
            let hits = db.hit_rate("sms:13800000001", window).await.unwrap();
            assert_eq!(hits, expected, "{}", db.label());
        }
        db.clock.advance(Duration::seconds(59));
        assert_eq!(db.hit_rate("sms:13800000001", window).await.unwrap(), 4);

        db.clock.advance(Duration::seconds(1));
        assert_eq!(db.rate_hits("sms:13800000001", window).await.unwrap(), 0);
        assert_eq!(db.hit_rate("sms:13800000001", window).await.unwrap(), 1);
        // A hit in a new window deletes the counter's older windows.
        assert_eq!(count(&db, "rate_counters").await, 1);
    }
}

#[tokio::test]
async fn rate_hits_reads_without_counting() {
    for db in dbs().await {
        let window = Duration::hours(1);
        assert_eq!(db.rate_hits("ip:192.0.2.1", window).await.unwrap(), 0);
        db.hit_rate("ip:192.0.2.1", window).await.unwrap();
        db.hit_rate("ip:192.0.2.1", window).await.unwrap();
        db.hit_rate("ip:192.0.2.2", window).await.unwrap();

        for _ in 0..3 {
            let hits = db.rate_hits("ip:192.0.2.1", window).await.unwrap();
            assert_eq!(hits, 2, "{}", db.label());
        }
        assert_eq!(db.rate_hits("ip:192.0.2.2", window).await.unwrap(), 1);
        assert_eq!(db.rate_hits("ip:192.0.2.3", window).await.unwrap(), 0);
        assert_eq!(db.hit_rate("ip:192.0.2.2", window).await.unwrap(), 2);
    }
}

#[tokio::test]
async fn prune_rate_counters_removes_old_windows() {
    for db in dbs().await {
        let window = Duration::minutes(10);
        db.hit_rate("a", window).await.unwrap();
        db.clock.advance(Duration::minutes(10));
        db.hit_rate("b", window).await.unwrap();
        db.clock.advance(Duration::minutes(5));

        // Counter `a` started 15 minutes ago, `b` 5 minutes ago.
        assert_eq!(
            db.prune_rate_counters(window).await.unwrap(),
            1,
            "{}",
            db.label()
        );
        assert_eq!(db.rate_hits("b", window).await.unwrap(), 1);
        assert_eq!(count(&db, "rate_counters").await, 1);
    }
}
