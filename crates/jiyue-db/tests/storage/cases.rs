//! Cases in storage: the life cycle of a message from submission to publication, holds,
//! review rules and scope. Also the clock of an application for government information across
//! the 2026 National Day holiday, job marks, statistics, the three-month list, deadlines,
//! erasure of contacts, sensitive words and consultations.

use chrono::NaiveDate;
use jiyue_auth::{Field, PersonalDataCipher, SoftwareSm4};
use jiyue_core::{CaseClock, CaseRules, WorkCalendar};
use jiyue_db::{
    CaseActor, CaseFilter, CaseKind, CaseState, Db, DbError, MessageCategory, NewAttachment,
    NewCase, NewConsultation, NewStaff, OutboxEvent, Scope, SealedContact,
};

use crate::fixtures::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn calendar() -> WorkCalendar {
    WorkCalendar::shipped()
}

fn cipher() -> SoftwareSm4 {
    SoftwareSm4::new("test", &[7u8; 16], &[9u8; 32]).unwrap()
}

fn sealed_contact() -> SealedContact {
    let cipher = cipher();
    SealedContact {
        name: Some(cipher.seal(Field::Name, "张三").unwrap().to_string()),
        mobile: Some(
            cipher
                .seal(Field::Mobile, "13800000000")
                .unwrap()
                .to_string(),
        ),
        email: None,
        address: None,
        id_number: None,
    }
}

async fn staff(db: &Db, name: &str) -> i64 {
    db.create_staff(&NewStaff {
        username: name.to_string(),
        display_name: name.to_string(),
        org_id: None,
        password_hash: "$argon2id$placeholder".to_string(),
    })
    .await
    .unwrap()
}

/// Builds a public message with consent, from citizen 42, received on `received_on`.
fn message(site: i64, org: i64, subject: &str, received_on: &str) -> NewCase {
    NewCase {
        kind: CaseKind::Message,
        category: Some(MessageCategory::Consultation),
        site_id: site,
        org_id: org,
        citizen_id: Some(42),
        subject: subject.to_string(),
        body: "请问新能源汽车补贴如何申请？".to_string(),
        page_url: None,
        contact: sealed_contact(),
        public_requested: true,
        consent_to_publish: true,
        held_for: None,
        attachments: vec![NewAttachment {
            blob_sha: "ab".repeat(32),
            name: "照片.jpg".to_string(),
            size: 1024,
            mime: "image/jpeg".to_string(),
        }],
        received_on: day(received_on),
    }
}

fn disclosure(site: i64, org: i64, received_on: &str) -> NewCase {
    NewCase {
        kind: CaseKind::Disclosure,
        category: None,
        attachments: Vec::new(),
        ..message(site, org, "申请公开2025年环境监测报告", received_on)
    }
}

async fn submit(db: &Db, case: NewCase) -> i64 {
    db.submit_case(case).await.unwrap().id
}

async fn due_of(db: &Db, id: i64) -> Option<NaiveDate> {
    let case = db.case(&Scope::Platform, id).await.unwrap();
    let due = case.clock.unwrap().due(&calendar());
    assert!(!due.provisional);
    due.value
}

async fn events_since(db: &Db, position: i64) -> Vec<OutboxEvent> {
    db.outbox_after(position, 1000).await.unwrap()
}

fn has_tags(events: &[OutboxEvent], tags: &[&str]) -> bool {
    events
        .iter()
        .any(|event| tags.iter().all(|tag| event.tags.iter().any(|t| t == tag)))
}

/// Accepts, replies to and approves a case, answering it on `answered_on`.
async fn answer(db: &Db, id: i64, accepted_on: &str, limit: u32, answered_on: &str) {
    let handler = staff(db, &format!("handler{id}")).await;
    let reviewer = staff(db, &format!("reviewer{id}")).await;
    let scope = Scope::Platform;
    db.accept_case(&scope, id, handler, day(accepted_on), limit)
        .await
        .unwrap();
    db.submit_reply(&scope, id, handler, "答复如下。")
        .await
        .unwrap();
    db.review_reply(
        &scope,
        id,
        reviewer,
        true,
        "",
        &calendar(),
        day(answered_on),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn cases_message_life_cycle() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let handler = staff(&db, "handler").await;
        let city_handler = staff(&db, "cityhandler").await;
        let reviewer = staff(&db, "reviewer").await;
        let department = Scope::Org(world.department);
        let city = Scope::Org(world.city);

        let mut new = message(
            world.department_site,
            world.department,
            "补贴咨询",
            "2026-11-02",
        );
        new.body = "我的电话13912345678，请问补贴如何申请？".to_string();
        let case = db.submit_case(new).await.unwrap();
        assert_eq!(case.state, CaseState::Received, "{label}");
        assert_eq!(case.no, format!("20261102{:05}", case.id), "{label}");
        assert_eq!(case.attachments.len(), 1, "{label}");
        assert!(case.consent_at.is_some(), "{label}");
        assert_eq!(open_name(&case.contact), "张三", "{label}");

        db.accept_case(&department, case.id, handler, day("2026-11-02"), 15)
            .await
            .unwrap();
        let accepted = db.case(&department, case.id).await.unwrap();
        let clock = accepted.clock.clone().unwrap();
        assert_eq!(clock, CaseClock::new(day("2026-11-02"), 15), "{label}");

        // A transfer needs a reason, keeps the clock and leaves the sender's scope.
        let blank = db
            .transfer_case(&department, case.id, handler, world.city, " ")
            .await
            .unwrap_err();
        assert!(blank.is_invalid(), "{label}: {blank}");
        db.transfer_case(&department, case.id, handler, world.city, "属长春市职责")
            .await
            .unwrap();
        let moved = db.case(&city, case.id).await.unwrap();
        assert_eq!(moved.org_id, world.city, "{label}");
        assert_eq!(moved.state, CaseState::Accepted, "{label}");
        assert_eq!(moved.clock, Some(clock), "{label}");
        let gone = db.case(&department, case.id).await.unwrap_err();
        assert!(gone.is_out_of_scope(), "{label}: {gone}");

        // The reviewer sends the first reply back, then approves the second.
        db.submit_reply(&city, case.id, city_handler, "初稿")
            .await
            .unwrap();
        assert_eq!(
            db.case(&city, case.id).await.unwrap().state,
            CaseState::ReplyPending
        );
        let empty_note = db
            .review_reply(
                &city,
                case.id,
                reviewer,
                false,
                "",
                &calendar(),
                day("2026-11-05"),
            )
            .await
            .unwrap_err();
        assert!(empty_note.is_invalid(), "{label}: {empty_note}");
        db.review_reply(
            &city,
            case.id,
            reviewer,
            false,
            "请补充政策依据",
            &calendar(),
            day("2026-11-05"),
        )
        .await
        .unwrap();
        let sent_back = db.case(&city, case.id).await.unwrap();
        assert_eq!(sent_back.state, CaseState::Accepted, "{label}");
        let note = sent_back.reply.as_ref().unwrap().review_note.clone();
        assert_eq!(note.as_deref(), Some("请补充政策依据"), "{label}");

        db.submit_reply(
            &city,
            case.id,
            city_handler,
            "依据《补贴办法》第五条，可在线申请。",
        )
        .await
        .unwrap();
        let before = db.outbox_head().await.unwrap();
        db.review_reply(
            &city,
            case.id,
            reviewer,
            true,
            "",
            &calendar(),
            day("2026-11-06"),
        )
        .await
        .unwrap();
        let answered = db.case(&city, case.id).await.unwrap();
        assert_eq!(answered.state, CaseState::Answered, "{label}");
        assert!(answered.published, "{label}");
        assert_eq!(answered.answered_on_time, Some(true), "{label}");
        // 2026-11-03 to 11-06 are four working days.
        assert_eq!(answered.working_days_used, Some(4), "{label}");
        let reply = answered.reply.clone().unwrap();
        assert_eq!(reply.org_id, world.city, "{label}");
        assert_eq!(reply.staff_id, city_handler, "{label}");
        assert_eq!(reply.reviewed_by, Some(reviewer), "{label}");
        assert_eq!(reply.answered_on, Some(day("2026-11-06")), "{label}");
        let site_tag = format!("cases:site:{}", world.department_site);
        let events = events_since(&db, before).await;
        assert!(
            has_tags(&events, &[&site_tag, "cases"]),
            "{label}: {events:?}"
        );

        // The public listing shows the reply without contact data.
        let (public, total) = db
            .published_messages(world.department_site, 1, 20)
            .await
            .unwrap();
        assert_eq!(total, 1, "{label}");
        assert_eq!(public[0].no, case.no, "{label}");
        assert_eq!(public[0].received_on, day("2026-11-02"), "{label}");
        assert_eq!(public[0].answered_on, day("2026-11-06"), "{label}");
        assert_eq!(public[0].reply_org_name, "长春市人民政府", "{label}");
        assert!(
            !public[0].body.contains("13912345678"),
            "{label}: {}",
            public[0].body
        );
        assert!(
            public[0].body.contains("请问补贴如何申请"),
            "{label}: {}",
            public[0].body
        );
        let json = serde_json::to_string(&public[0]).unwrap();
        assert!(!json.contains("v1.test."), "{label}: {json}");
        assert!(!json.contains("citizen"), "{label}: {json}");
        let one = db
            .published_message(world.department_site, &case.no)
            .await
            .unwrap();
        assert_eq!(one.as_ref(), Some(&public[0]), "{label}");
        let elsewhere = db.published_message(world.portal, &case.no).await.unwrap();
        assert!(elsewhere.is_none(), "{label}");

        // The citizen finds the case by number; another citizen does not.
        let mine = db.case_by_no_for_citizen(42, &case.no).await.unwrap();
        assert_eq!(mine.map(|case| case.id), Some(case.id), "{label}");
        assert!(db
            .case_by_no_for_citizen(43, &case.no)
            .await
            .unwrap()
            .is_none());
        assert_eq!(db.citizen_cases(42).await.unwrap().len(), 1, "{label}");

        let history = db.case_events(&city, case.id).await.unwrap();
        let actions: Vec<&str> = history.iter().map(|event| event.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "submitted",
                "accepted",
                "transferred",
                "reply_submitted",
                "reply_sent_back",
                "reply_submitted",
                "reply_approved"
            ],
            "{label}"
        );
        assert_eq!(history[0].actor, CaseActor::Citizen(42), "{label}");
        let transfer = &history[2];
        assert_eq!(transfer.actor, CaseActor::Staff(handler), "{label}");
        assert_eq!(transfer.from_org, Some(world.department), "{label}");
        assert_eq!(transfer.to_org, Some(world.city), "{label}");
        assert_eq!(transfer.reason.as_deref(), Some("属长春市职责"), "{label}");

        // Taking the reply down drops it from the listing and tags the pages.
        let before = db.outbox_head().await.unwrap();
        db.unpublish_case(&city, case.id, reviewer, "含个人信息")
            .await
            .unwrap();
        let (public, total) = db
            .published_messages(world.department_site, 1, 20)
            .await
            .unwrap();
        assert!(public.is_empty(), "{label}");
        assert_eq!(total, 0, "{label}");
        let events = events_since(&db, before).await;
        assert!(
            has_tags(&events, &[&site_tag, "cases"]),
            "{label}: {events:?}"
        );
        let again = db
            .unpublish_case(&city, case.id, reviewer, "再次")
            .await
            .unwrap_err();
        assert!(again.is_invalid(), "{label}: {again}");
    }
}

/// Opens the sealed name of a stored contact.
fn open_name(contact: &SealedContact) -> String {
    let name = jiyue_auth::Sealed::parse(contact.name.as_deref().unwrap()).unwrap();
    cipher().open(Field::Name, &name).unwrap()
}

#[tokio::test]
async fn cases_private_message_stays_unpublished() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let mut private = message(world.portal, world.province, "私信", "2026-11-02");
        private.public_requested = false;
        let case = db.submit_case(private).await.unwrap();
        let before = db.outbox_head().await.unwrap();
        answer(&db, case.id, "2026-11-02", 10, "2026-11-03").await;
        let answered = db.case(&Scope::Platform, case.id).await.unwrap();
        assert!(!answered.published, "{}", db.label());
        let (public, _) = db.published_messages(world.portal, 1, 20).await.unwrap();
        assert!(public.is_empty(), "{}", db.label());
        assert!(events_since(&db, before).await.is_empty(), "{}", db.label());
    }
}

#[tokio::test]
async fn cases_held_message_released() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let handler = staff(&db, "handler").await;
        let scope = Scope::Org(world.province);
        let mut held = message(world.portal, world.province, "举报", "2026-11-02");
        held.held_for = Some("赌博".to_string());
        let case = db.submit_case(held).await.unwrap();
        assert_eq!(case.state, CaseState::Held, "{label}");
        assert_eq!(case.held_for.as_deref(), Some("赌博"), "{label}");

        let early = db
            .accept_case(&scope, case.id, handler, day("2026-11-02"), 10)
            .await
            .unwrap_err();
        assert!(early.is_invalid(), "{label}: {early}");
        assert!(early.to_string().contains("待审核"), "{label}: {early}");

        db.release_held_case(&scope, case.id, handler, "误报")
            .await
            .unwrap();
        assert_eq!(
            db.case(&scope, case.id).await.unwrap().state,
            CaseState::Received,
            "{label}"
        );
        let again = db
            .release_held_case(&scope, case.id, handler, "误报")
            .await
            .unwrap_err();
        assert!(again.is_invalid(), "{label}: {again}");
        let history = db.case_events(&scope, case.id).await.unwrap();
        assert_eq!(history[1].action, "released", "{label}");
        assert_eq!(history[1].from_state, Some(CaseState::Held), "{label}");
        assert_eq!(history[1].to_state, Some(CaseState::Received), "{label}");
        assert_eq!(history[1].reason.as_deref(), Some("误报"), "{label}");

        // A rejected case is closed.
        let spam = db
            .submit_case(message(world.portal, world.province, "广告", "2026-11-02"))
            .await
            .unwrap();
        db.reject_case(&scope, spam.id, handler, "与政务无关")
            .await
            .unwrap();
        let closed = db
            .submit_reply(&scope, spam.id, handler, "答复")
            .await
            .unwrap_err();
        assert!(closed.is_invalid(), "{label}: {closed}");
    }
}

#[tokio::test]
async fn cases_own_reply_approval_refused() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let handler = staff(&db, "handler").await;
        let scope = Scope::Org(world.province);
        let case = db
            .submit_case(message(world.portal, world.province, "咨询", "2026-11-02"))
            .await
            .unwrap();
        db.accept_case(&scope, case.id, handler, day("2026-11-02"), 10)
            .await
            .unwrap();
        db.submit_reply(&scope, case.id, handler, "答复")
            .await
            .unwrap();
        let own = db
            .review_reply(
                &scope,
                case.id,
                handler,
                true,
                "",
                &calendar(),
                day("2026-11-03"),
            )
            .await
            .unwrap_err();
        assert!(own.is_invalid(), "{label}: {own}");
        assert_eq!(
            db.case(&scope, case.id).await.unwrap().state,
            CaseState::ReplyPending,
            "{label}"
        );
    }
}

#[tokio::test]
async fn cases_scope_refusals() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let handler = staff(&db, "handler").await;
        let case = db
            .submit_case(message(
                world.city_site,
                world.city,
                "城市咨询",
                "2026-11-02",
            ))
            .await
            .unwrap();
        let department = Scope::Org(world.department);

        let read = db.case(&department, case.id).await.unwrap_err();
        assert!(read.is_out_of_scope(), "{label}: {read}");
        let accept = db
            .accept_case(&department, case.id, handler, day("2026-11-02"), 10)
            .await
            .unwrap_err();
        assert!(accept.is_out_of_scope(), "{label}: {accept}");
        let history = db.case_events(&department, case.id).await.unwrap_err();
        assert!(history.is_out_of_scope(), "{label}: {history}");
        let missing = db.case(&Scope::Platform, case.id + 1000).await.unwrap_err();
        assert!(missing.is_not_found(), "{label}: {missing}");

        let filter = CaseFilter::default();
        let (listed, total) = db.cases(&department, &filter, 1, 20).await.unwrap();
        assert!(listed.is_empty(), "{label}");
        assert_eq!(total, 0, "{label}");
        // The province is the city's parent, so it reaches the case.
        let province = Scope::Org(world.province);
        let (listed, total) = db.cases(&province, &filter, 1, 20).await.unwrap();
        assert_eq!(total, 1, "{label}");
        assert_eq!(listed[0].id, case.id, "{label}");
        // A site scope reaches no message, only the error reports of its site.
        let site = Scope::Site(world.city_site);
        let (listed, _) = db.cases(&site, &filter, 1, 20).await.unwrap();
        assert!(listed.is_empty(), "{label}");
        let message_read = db.case(&site, case.id).await.unwrap_err();
        assert!(message_read.is_out_of_scope(), "{label}: {message_read}");
        let report = db
            .submit_case(NewCase {
                kind: CaseKind::ErrorReport,
                category: None,
                citizen_id: None,
                page_url: Some("https://www.changchun.gov.cn/yw/1.html".to_string()),
                ..message(world.city_site, world.city, "链接失效", "2026-11-02")
            })
            .await
            .unwrap();
        let (listed, total) = db.cases(&site, &filter, 1, 20).await.unwrap();
        assert_eq!(total, 1, "{label}");
        assert_eq!(listed[0].id, report.id, "{label}");
        assert!(db.case(&site, report.id).await.is_ok(), "{label}");
        let portal = Scope::Site(world.portal);
        let other_site = db.case(&portal, report.id).await.unwrap_err();
        assert!(other_site.is_out_of_scope(), "{label}: {other_site}");

        // Filters by text, case number, kind and state.
        let by_text = CaseFilter {
            text: Some("城市".to_string()),
            ..CaseFilter::default()
        };
        assert_eq!(
            db.cases(&province, &by_text, 1, 20).await.unwrap().1,
            1,
            "{label}"
        );
        let by_no = CaseFilter {
            text: Some(case.no.clone()),
            ..CaseFilter::default()
        };
        assert_eq!(
            db.cases(&province, &by_no, 1, 20).await.unwrap().1,
            1,
            "{label}"
        );
        let by_state = CaseFilter {
            kind: Some(CaseKind::Message),
            state: Some(CaseState::Accepted),
            ..CaseFilter::default()
        };
        assert_eq!(
            db.cases(&province, &by_state, 1, 20).await.unwrap().1,
            0,
            "{label}"
        );
        let other_text = CaseFilter {
            text: Some("100%".to_string()),
            ..CaseFilter::default()
        };
        assert_eq!(
            db.cases(&province, &other_text, 1, 20).await.unwrap().1,
            0,
            "{label}"
        );
    }
}

#[tokio::test]
async fn cases_submission_validated() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let base = || message(world.portal, world.province, "咨询", "2026-11-02");
        let mut cases = Vec::new();
        cases.push((
            "empty subject",
            NewCase {
                subject: " ".to_string(),
                ..base()
            },
        ));
        cases.push((
            "long subject",
            NewCase {
                subject: "字".repeat(101),
                ..base()
            },
        ));
        cases.push((
            "long body",
            NewCase {
                body: "字".repeat(5001),
                ..base()
            },
        ));
        let mut four = base();
        four.attachments = vec![four.attachments[0].clone(); 4];
        cases.push(("four attachments", four));
        let mut plain = base();
        plain.contact.mobile = Some("13800000000".to_string());
        cases.push(("plain contact", plain));
        cases.push((
            "no category",
            NewCase {
                category: None,
                ..base()
            },
        ));
        let mut wrong_org = base();
        wrong_org.kind = CaseKind::ErrorReport;
        wrong_org.category = None;
        wrong_org.org_id = world.city;
        cases.push(("error report to another org", wrong_org));
        for (what, case) in cases {
            let error = db.submit_case(case).await.unwrap_err();
            assert!(error.is_invalid(), "{label}: {what}: {error}");
        }
        assert!(db
            .submit_case(NewCase {
                subject: "字".repeat(100),
                ..base()
            })
            .await
            .is_ok());

        // An anonymous error report reaches the site's organization.
        let report = NewCase {
            kind: CaseKind::ErrorReport,
            category: None,
            citizen_id: None,
            page_url: Some("https://www.jl.gov.cn/yw/1.html".to_string()),
            contact: SealedContact::default(),
            ..base()
        };
        let report = db.submit_case(report).await.unwrap();
        assert_eq!(report.org_id, world.province, "{label}");
        let history = db.case_events(&Scope::Platform, report.id).await.unwrap();
        assert_eq!(history[0].actor, CaseActor::Anonymous, "{label}");
    }
}

#[tokio::test]
async fn cases_disclosure_clock_national_day() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let handler = staff(&db, "handler").await;
        let scope = Scope::Org(world.department);
        let rules = CaseRules::INFORMATION_DISCLOSURE;
        let calendar = calendar();
        let case = db
            .submit_case(disclosure(
                world.department_site,
                world.department,
                "2026-09-23",
            ))
            .await
            .unwrap();
        db.accept_case(&scope, case.id, handler, day("2026-09-23"), 20)
            .await
            .unwrap();
        // Counted: 09-24, 09-28..30, 10-08, 10-09, 10-10 (adjusted), 10-12..16, 10-19..23 and
        // 10-26..28, the 20th; 09-25..27 and 10-01..07 are holidays.
        assert_eq!(
            due_of(&db, case.id).await,
            Some(day("2026-10-28")),
            "{label}"
        );

        db.pause_case(
            &scope,
            case.id,
            handler,
            day("2026-10-12"),
            "申请内容需补正",
        )
        .await
        .unwrap();
        assert_eq!(
            db.case(&scope, case.id).await.unwrap().state,
            CaseState::Paused,
            "{label}"
        );
        assert_eq!(due_of(&db, case.id).await, None, "{label}");
        let twice = db
            .pause_case(&scope, case.id, handler, day("2026-10-13"), "再次")
            .await
            .unwrap_err();
        assert!(twice.is_invalid(), "{label}: {twice}");
        let reply = db
            .submit_reply(&scope, case.id, handler, "答复")
            .await
            .unwrap_err();
        assert!(reply.is_invalid(), "{label}: {reply}");
        let early = db
            .resume_case(&scope, case.id, handler, day("2026-10-11"))
            .await
            .unwrap_err();
        assert!(early.is_invalid(), "{label}: {early}");
        db.resume_case(&scope, case.id, handler, day("2026-10-14"))
            .await
            .unwrap();
        // 10-12..14 do not count, so the 20th working day moves three days on.
        assert_eq!(
            due_of(&db, case.id).await,
            Some(day("2026-11-02")),
            "{label}"
        );

        let no_reason = db
            .extend_case(
                &scope,
                case.id,
                handler,
                &calendar,
                20,
                " ",
                day("2026-10-20"),
                &rules,
            )
            .await
            .unwrap_err();
        assert!(no_reason.is_invalid(), "{label}: {no_reason}");
        db.extend_case(
            &scope,
            case.id,
            handler,
            &calendar,
            20,
            "需要会商",
            day("2026-10-20"),
            &rules,
        )
        .await
        .unwrap();
        assert_eq!(
            due_of(&db, case.id).await,
            Some(day("2026-11-30")),
            "{label}"
        );
        let second = db
            .extend_case(
                &scope,
                case.id,
                handler,
                &calendar,
                5,
                "再次延期",
                day("2026-10-21"),
                &rules,
            )
            .await
            .unwrap_err();
        assert!(second.is_invalid(), "{label}: {second}");
        assert!(second.to_string().contains("maximum"), "{label}: {second}");

        let stored = db.case(&scope, case.id).await.unwrap().clock.unwrap();
        assert_eq!(stored.pauses.len(), 1, "{label}");
        assert_eq!(stored.pauses[0].until, Some(day("2026-10-14")), "{label}");
        assert_eq!(stored.extensions.len(), 1, "{label}");
        assert_eq!(stored.extensions[0].reason, "需要会商", "{label}");
        let actions: Vec<String> = db
            .case_events(&scope, case.id)
            .await
            .unwrap()
            .into_iter()
            .map(|event| event.action)
            .collect();
        assert_eq!(
            actions,
            ["submitted", "accepted", "paused", "resumed", "extended"],
            "{label}"
        );
    }
}

#[tokio::test]
async fn cases_job_marks_idempotent() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let handler = staff(&db, "handler").await;
        let received = db
            .submit_case(message(
                world.portal,
                world.province,
                "未受理",
                "2026-11-02",
            ))
            .await
            .unwrap();
        let open = db
            .submit_case(message(
                world.portal,
                world.province,
                "已受理",
                "2026-11-02",
            ))
            .await
            .unwrap();
        db.accept_case(&Scope::Platform, open.id, handler, day("2026-11-02"), 10)
            .await
            .unwrap();
        let ids: Vec<i64> = db
            .open_cases()
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(
            ids,
            [open.id],
            "{label}: received case {} is not open",
            received.id
        );

        assert!(db.mark_reminded(open.id, day("2026-11-13")).await.unwrap());
        assert!(!db.mark_reminded(open.id, day("2026-11-13")).await.unwrap());
        assert!(db.mark_reminded(open.id, day("2026-11-16")).await.unwrap());
        assert!(db
            .mark_overdue_alerted(open.id, day("2026-11-17"))
            .await
            .unwrap());
        assert!(!db
            .mark_overdue_alerted(open.id, day("2026-11-17"))
            .await
            .unwrap());
        let marked = db.case(&Scope::Platform, open.id).await.unwrap();
        assert_eq!(marked.reminded_on, Some(day("2026-11-16")), "{label}");
        assert_eq!(
            marked.overdue_alerted_on,
            Some(day("2026-11-17")),
            "{label}"
        );
        let missing = db
            .mark_reminded(open.id + 1000, day("2026-11-13"))
            .await
            .unwrap_err();
        assert!(missing.is_not_found(), "{label}: {missing}");
    }
}

#[tokio::test]
async fn cases_month_stats_exact() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        // Received in November and answered on time: 11-03..05 are 3 working days of 5.
        let on_time = submit(
            &db,
            message(world.portal, world.province, "甲", "2026-11-02"),
        )
        .await;
        answer(&db, on_time, "2026-11-02", 5, "2026-11-05").await;
        // Received in October, answered late in November: due 11-04, answered after 4 days.
        let late = submit(
            &db,
            message(world.portal, world.province, "乙", "2026-10-30"),
        )
        .await;
        answer(&db, late, "2026-11-02", 2, "2026-11-06").await;
        // Received in November, still open; a held one does not count as received.
        submit(
            &db,
            message(world.portal, world.province, "丙", "2026-11-10"),
        )
        .await;
        let mut held = message(world.portal, world.province, "丁", "2026-11-11");
        held.held_for = Some("赌博".to_string());
        submit(&db, held).await;
        // A disclosure of the city on its own site.
        submit(&db, disclosure(world.city_site, world.city, "2026-11-20")).await;

        let late_ones = db
            .late_answers(day("2026-11-01"), day("2026-11-30"))
            .await
            .unwrap();
        let late_ids: Vec<i64> = late_ones.iter().map(|case| case.id).collect();
        assert_eq!(late_ids, vec![late], "{label}: only the late answer");
        let december = db
            .late_answers(day("2026-12-01"), day("2026-12-31"))
            .await
            .unwrap();
        assert!(december.is_empty(), "{label}");

        let stats = db.case_month_stats(2026, 11, None).await.unwrap();
        assert_eq!(stats.len(), 2, "{label}: {stats:?}");
        let province = &stats[0];
        assert_eq!(
            (province.org_id, province.kind),
            (world.province, CaseKind::Message)
        );
        assert_eq!(province.org_name, "吉林省人民政府", "{label}");
        assert_eq!(province.received, 2, "{label}");
        assert_eq!(province.answered, 2, "{label}");
        assert_eq!(province.answered_on_time, 1, "{label}");
        assert_eq!(province.total_working_days, 7, "{label}");
        assert_eq!(province.average_working_days, Some(3.5), "{label}");
        let city = &stats[1];
        assert_eq!((city.org_id, city.kind), (world.city, CaseKind::Disclosure));
        assert_eq!(city.received, 1, "{label}");
        assert_eq!(city.answered, 0, "{label}");
        assert_eq!(city.average_working_days, None, "{label}");

        let october = db.case_month_stats(2026, 10, None).await.unwrap();
        assert_eq!(october.len(), 1, "{label}: {october:?}");
        assert_eq!(october[0].received, 1, "{label}");
        assert_eq!(october[0].answered, 0, "{label}");

        let city_site = db
            .case_month_stats(2026, 11, Some(world.city_site))
            .await
            .unwrap();
        assert_eq!(city_site.len(), 1, "{label}: {city_site:?}");
        assert_eq!(city_site[0].org_id, world.city, "{label}");
        let bad = db.case_month_stats(2026, 13, None).await.unwrap_err();
        assert!(bad.is_invalid(), "{label}: {bad}");
    }
}

#[tokio::test]
async fn cases_unanswered_three_months() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let handler = staff(&db, "handler").await;
        let old = db
            .submit_case(message(world.portal, world.province, "旧", "2026-08-01"))
            .await
            .unwrap();
        let rejected = db
            .submit_case(message(world.portal, world.province, "驳回", "2026-08-10"))
            .await
            .unwrap();
        db.reject_case(&Scope::Platform, rejected.id, handler, "重复留言")
            .await
            .unwrap();
        let answered = db
            .submit_case(message(world.portal, world.province, "已答", "2026-08-11"))
            .await
            .unwrap();
        answer(&db, answered.id, "2026-08-11", 10, "2026-08-12").await;
        db.submit_case(message(world.portal, world.province, "新", "2026-09-10"))
            .await
            .unwrap();
        db.submit_case(disclosure(world.portal, world.province, "2026-08-01"))
            .await
            .unwrap();

        let late = db.unanswered_since(day("2026-09-05")).await.unwrap();
        let ids: Vec<i64> = late.iter().map(|case| case.id).collect();
        assert_eq!(ids, [old.id], "{label}");
    }
}

#[tokio::test]
async fn cases_deadlines_per_site() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let portal = Scope::Org(world.province);
        let message_kind = CaseKind::Message;
        db.set_case_deadline(&portal, world.portal, message_kind, None, 10)
            .await
            .unwrap();
        db.set_case_deadline(
            &portal,
            world.portal,
            message_kind,
            Some(MessageCategory::Complaint),
            5,
        )
        .await
        .unwrap();
        let complaint = Some(MessageCategory::Complaint);
        let suggestion = Some(MessageCategory::Suggestion);
        assert_eq!(
            db.case_deadline(world.portal, message_kind, complaint)
                .await
                .unwrap(),
            Some(5)
        );
        assert_eq!(
            db.case_deadline(world.portal, message_kind, suggestion)
                .await
                .unwrap(),
            Some(10)
        );
        assert_eq!(
            db.case_deadline(world.portal, message_kind, None)
                .await
                .unwrap(),
            Some(10)
        );
        assert_eq!(
            db.case_deadline(world.city_site, message_kind, None)
                .await
                .unwrap(),
            None
        );
        let other_kind = db
            .case_deadline(world.portal, CaseKind::Disclosure, None)
            .await
            .unwrap();
        assert_eq!(other_kind, None, "{label}");

        db.set_case_deadline(&portal, world.portal, message_kind, None, 7)
            .await
            .unwrap();
        assert_eq!(
            db.case_deadline(world.portal, message_kind, suggestion)
                .await
                .unwrap(),
            Some(7)
        );

        let department = Scope::Org(world.department);
        let out = db
            .set_case_deadline(&department, world.portal, message_kind, None, 3)
            .await
            .unwrap_err();
        assert!(out.is_out_of_scope(), "{label}: {out}");
        let zero = db
            .set_case_deadline(&portal, world.portal, message_kind, None, 0)
            .await
            .unwrap_err();
        assert!(zero.is_invalid(), "{label}: {zero}");
        let category = db
            .set_case_deadline(&portal, world.portal, CaseKind::Disclosure, complaint, 3)
            .await
            .unwrap_err();
        assert!(category.is_invalid(), "{label}: {category}");
    }
}

#[tokio::test]
async fn cases_erase_citizen_contacts() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let mut other = message(world.portal, world.province, "别人", "2026-11-02");
        other.citizen_id = Some(7);
        let other = db.submit_case(other).await.unwrap();
        let case = db
            .submit_case(message(world.portal, world.province, "我的", "2026-11-02"))
            .await
            .unwrap();

        assert_eq!(db.erase_citizen_contacts(42).await.unwrap(), 1, "{label}");
        let erased = db.case(&Scope::Platform, case.id).await.unwrap();
        assert_eq!(erased.contact, SealedContact::default(), "{label}");
        assert_eq!(erased.citizen_id, None, "{label}");
        assert_eq!(erased.subject, "我的", "{label}");
        assert!(db.citizen_cases(42).await.unwrap().is_empty(), "{label}");
        let history = db.case_events(&Scope::Platform, case.id).await.unwrap();
        assert!(
            history
                .iter()
                .all(|event| event.actor == CaseActor::Anonymous),
            "{label}: {history:?}"
        );
        let kept = db.case(&Scope::Platform, other.id).await.unwrap();
        assert_eq!(kept.citizen_id, Some(7), "{label}");
        assert!(kept.contact.name.is_some(), "{label}");
        assert_eq!(db.erase_citizen_contacts(42).await.unwrap(), 0, "{label}");
    }
}

#[tokio::test]
async fn cases_sensitive_words() {
    for db in dbs().await {
        let label = db.label();
        let operator = staff(&db, "operator").await;
        db.add_sensitive_word(" 赌博 ", operator).await.unwrap();
        db.add_sensitive_word("诈骗", operator).await.unwrap();
        assert_eq!(
            db.sensitive_words().await.unwrap(),
            ["诈骗", "赌博"],
            "{label}"
        );

        let duplicate = db.add_sensitive_word("赌博", operator).await.unwrap_err();
        assert!(duplicate.is_conflict(), "{label}: {duplicate}");
        let empty = db.add_sensitive_word("  ", operator).await.unwrap_err();
        assert!(empty.is_invalid(), "{label}: {empty}");
        let long = db
            .add_sensitive_word(&"字".repeat(51), operator)
            .await
            .unwrap_err();
        assert!(long.is_invalid(), "{label}: {long}");
        assert!(db
            .add_sensitive_word(&"字".repeat(50), operator)
            .await
            .is_ok());

        assert!(db.remove_sensitive_word("赌博").await.unwrap(), "{label}");
        assert!(!db.remove_sensitive_word("赌博").await.unwrap(), "{label}");
    }
}

#[tokio::test]
async fn cases_consultations() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let officer = staff(&db, "officer").await;
        let scope = Scope::Org(world.department);
        // The test clock is at 2024-03-01.
        let new = |starts_on: &str, ends_on: &str| NewConsultation {
            site_id: world.department_site,
            org_id: world.department,
            title: "《生态环境保护条例（征求意见稿）》".to_string(),
            body: "欢迎提出意见。".to_string(),
            starts_on: day(starts_on),
            ends_on: day(ends_on),
        };
        let backwards = db
            .create_consultation(&scope, new("2024-03-10", "2024-02-20"), officer)
            .await
            .unwrap_err();
        assert!(backwards.is_invalid(), "{label}: {backwards}");
        let city = db
            .create_consultation(
                &Scope::Org(world.city),
                new("2024-02-20", "2024-03-10"),
                officer,
            )
            .await
            .unwrap_err();
        assert!(city.is_out_of_scope(), "{label}: {city}");

        let before = db.outbox_head().await.unwrap();
        let id = db
            .create_consultation(&scope, new("2024-02-20", "2024-03-10"), officer)
            .await
            .unwrap();
        for outside in ["2024-02-19", "2024-03-11"] {
            let error = db
                .submit_opinion(id, 42, "建议加强监管", day(outside), None)
                .await
                .unwrap_err();
            assert!(error.is_invalid(), "{label}: {outside}: {error}");
        }
        db.submit_opinion(id, 42, "建议加强监管", day("2024-02-20"), None)
            .await
            .unwrap();
        db.submit_opinion(id, 43, "同意", day("2024-03-10"), Some("赌博".to_string()))
            .await
            .unwrap();
        let opinions = db.opinions(&scope, id).await.unwrap();
        assert_eq!(opinions.len(), 2, "{label}");
        assert_eq!(opinions[0].citizen_id, Some(42), "{label}");
        assert_eq!(opinions[1].held_for.as_deref(), Some("赌博"), "{label}");
        let out = db.opinions(&Scope::Org(world.city), id).await.unwrap_err();
        assert!(out.is_out_of_scope(), "{label}: {out}");

        db.publish_consultation_result(&scope, id, officer, "共收到意见2条。", "已采纳1条。")
            .await
            .unwrap();
        let published = db.consultation(id).await.unwrap().unwrap();
        assert_eq!(
            published.result.as_deref(),
            Some("共收到意见2条。"),
            "{label}"
        );
        assert_eq!(
            published.response.as_deref(),
            Some("已采纳1条。"),
            "{label}"
        );
        assert!(published.result_published_at.is_some(), "{label}");
        assert_eq!(published.opinions, 2, "{label}");
        let listed = db.site_consultations(world.department_site).await.unwrap();
        assert_eq!(listed.len(), 1, "{label}");
        assert!(
            db.consultation(id + 1000).await.unwrap().is_none(),
            "{label}"
        );
        let tag = format!("consultations:site:{}", world.department_site);
        let events = events_since(&db, before).await;
        assert!(has_tags(&events, &[&tag]), "{label}: {events:?}");

        // A consultation that has not started has no result to publish.
        let future = db
            .create_consultation(&scope, new("2024-04-01", "2024-04-30"), officer)
            .await
            .unwrap();
        let early = db
            .publish_consultation_result(&scope, future, officer, "结果", "回应")
            .await
            .unwrap_err();
        assert!(early.is_invalid(), "{label}: {early}");
    }
}

#[tokio::test]
async fn cases_transfer_refusals() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let handler = staff(&db, "handler").await;
        let case = db
            .submit_case(message(world.portal, world.province, "咨询", "2026-11-02"))
            .await
            .unwrap();
        let same = db
            .transfer_case(
                &Scope::Platform,
                case.id,
                handler,
                world.province,
                "同一单位",
            )
            .await
            .unwrap_err();
        assert!(same.is_invalid(), "{label}: {same}");
        let unknown = db
            .transfer_case(&Scope::Platform, case.id, handler, 9999, "未知单位")
            .await
            .unwrap_err();
        assert!(unknown.is_not_found(), "{label}: {unknown}");
        let before_receipt = db
            .accept_case(&Scope::Platform, case.id, handler, day("2026-11-01"), 10)
            .await
            .unwrap_err();
        assert!(before_receipt.is_invalid(), "{label}: {before_receipt}");
        let error: DbError = db
            .submit_reply(&Scope::Platform, case.id, handler, "答复")
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("accept it first"),
            "{label}: {error}"
        );
    }
}

#[tokio::test]
async fn cases_concurrent_accepts_one_wins() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let label = db.label();
        let first = staff(&db, "first").await;
        let second = staff(&db, "second").await;
        let case = db
            .submit_case(message(world.portal, world.province, "咨询", "2026-11-02"))
            .await
            .unwrap();
        let scope = Scope::Platform;
        let (a, b) = tokio::join!(
            db.accept_case(&scope, case.id, first, day("2026-11-02"), 10),
            db.accept_case(&scope, case.id, second, day("2026-11-03"), 20),
        );
        assert!(a.is_ok() != b.is_ok(), "{label}: {a:?} {b:?}");
        let loser = a.err().or(b.err()).unwrap();
        assert!(
            loser.is_invalid() || loser.is_conflict(),
            "{label}: {loser}"
        );
        let history = db.case_events(&scope, case.id).await.unwrap();
        let accepts = history
            .iter()
            .filter(|event| event.action == "accepted")
            .count();
        assert_eq!(accepts, 1, "{label}");
    }
}
