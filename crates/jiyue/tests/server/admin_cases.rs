//! The case pages of the admin listener over HTTP: the list limited to the grants' scope,
//! accept → transfer → reply → review by another reviewer → answered and published with a mail
//! to the citizen, self-approval refused, the pause, resume and single extension of an
//! information application, the release of a held case, a missing CSRF token, the deadline
//! job across the 2026 National Day holiday, the statistics CSV and the inspection list.

use chrono::{NaiveDate, TimeZone, Utc};
use jiyue_auth::personal::Field;
use jiyue_auth::Role;
use jiyue_db::{
    AuditFilter, CaseKind, CaseState, GrantRef, MessageCategory, NewCase, Org, Scope, SealedContact,
};

use crate::admin_support::{create_account, start, AdminClient, Page};
use crate::support::{backends, TestServer};

const PORTAL: &str = "2200000001";
const CITIZEN_EMAIL: &str = "zhang.san@example.cn";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

async fn portal(server: &TestServer) -> i64 {
    server
        .app()
        .db
        .site_by_code(PORTAL)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Returns two organizations under the root, neither above the other.
async fn two_departments(server: &TestServer) -> (Org, Org) {
    let orgs = server.app().db.orgs().await.unwrap();
    let root = orgs.iter().find(|org| org.parent_id.is_none()).unwrap().id;
    let mut children = orgs.into_iter().filter(|org| org.parent_id == Some(root));
    (children.next().unwrap(), children.next().unwrap())
}

fn sealed_email(server: &TestServer) -> String {
    let services = server.app().citizens.as_ref().unwrap();
    services
        .cipher
        .seal(Field::Email, CITIZEN_EMAIL)
        .unwrap()
        .to_string()
}

fn message(server: &TestServer, site: i64, org: i64, subject: &str, received_on: &str) -> NewCase {
    NewCase {
        kind: CaseKind::Message,
        category: Some(MessageCategory::Consultation),
        site_id: site,
        org_id: org,
        citizen_id: Some(4242),
        subject: subject.to_string(),
        body: "请问新建小区的供暖何时开通？我的电话是13812345678。".to_string(),
        page_url: None,
        contact: SealedContact {
            email: Some(sealed_email(server)),
            ..SealedContact::default()
        },
        public_requested: true,
        consent_to_publish: true,
        held_for: None,
        attachments: Vec::new(),
        received_on: day(received_on),
    }
}

async fn submit(server: &TestServer, case: NewCase) -> (i64, String) {
    let case = server.app().db.submit_case(case).await.unwrap();
    (case.id, case.no)
}

async fn signed_in(
    server: &TestServer,
    name: &str,
    role: Role,
    scope: GrantRef,
) -> (AdminClient, i64) {
    let account = create_account(server, name, role, scope, true).await;
    let client = AdminClient::new(server);
    client.sign_in(server, &account).await;
    (client, account.id)
}

/// Posts an action form of the case page.
async fn act(client: &AdminClient, id: i64, fields: &[(&str, &str)]) -> Page {
    let path = format!("/cases/{id}");
    client.post_form(&path, &path, fields).await
}

async fn state_of(server: &TestServer, id: i64) -> CaseState {
    server
        .app()
        .db
        .case(&Scope::Platform, id)
        .await
        .unwrap()
        .state
}

fn assert_done(page: &Page, id: i64, action: &str) {
    assert_eq!(page.status, 303, "{action}: {}", page.body);
    assert_eq!(page.location, format!("/cases/{id}?done={action}"));
}

async fn audit_count(server: &TestServer, action: &str, target: &str) -> usize {
    let filter = AuditFilter {
        action: Some(action.to_string()),
        ..AuditFilter::default()
    };
    let records = server.app().db.audit_query(&filter, 1000).await.unwrap();
    records
        .iter()
        .filter(|record| record.target == target)
        .count()
}

#[tokio::test]
async fn message_flow_through_review() {
    for backend in backends() {
        let server = start(backend).await;
        let site = portal(&server).await;
        let (first, second) = two_departments(&server).await;
        let (mine, mine_no) = submit(
            &server,
            message(&server, site, first.id, "供暖开通时间", "2026-12-01"),
        )
        .await;
        let (_, other_no) = submit(
            &server,
            message(&server, site, second.id, "道路维修", "2026-12-01"),
        )
        .await;

        let (handler, _) = signed_in(
            &server,
            "liuyan1",
            Role::MessageHandler,
            GrantRef::Org(first.id),
        )
        .await;
        let list = handler.get("/cases").await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert!(list.body.contains(&mine_no), "{backend}: own case listed");
        assert!(
            !list.body.contains(&other_no),
            "{backend}: other department's case hidden"
        );
        assert!(list.body.contains("办件管理"), "{backend}: navigation link");

        let page = handler.get(&format!("/cases/{mine}")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains(CITIZEN_EMAIL),
            "{backend}: contact unsealed for staff"
        );
        assert_eq!(audit_count(&server, "case.view", &mine_no).await, 1);

        // A POST without the CSRF token changes nothing.
        let forged = handler
            .post(
                &format!("/cases/{mine}"),
                &[("action", "accept"), ("limit_days", "15")],
            )
            .await;
        assert_eq!(forged.status, 403, "{backend}: {}", forged.body);
        assert_eq!(state_of(&server, mine).await, CaseState::Received);

        // An acceptance dated after today would move the deadline out of reach.
        let future = act(
            &handler,
            mine,
            &[
                ("action", "accept"),
                ("limit_days", "15"),
                ("accepted_on", "9999-12-31"),
            ],
        )
        .await;
        assert_eq!(future.status, 422, "{backend}: {}", future.body);
        assert!(
            future.body.contains("日期不能晚于今天"),
            "{backend}: {}",
            future.body
        );
        assert_eq!(state_of(&server, mine).await, CaseState::Received);

        assert_done(
            &act(
                &handler,
                mine,
                &[("action", "accept"), ("limit_days", "15")],
            )
            .await,
            mine,
            "accept",
        );
        assert_eq!(state_of(&server, mine).await, CaseState::Accepted);
        let second_id = second.id.to_string();
        let moved = act(
            &handler,
            mine,
            &[
                ("action", "transfer"),
                ("org", &second_id),
                ("reason", "属于供热单位职责"),
            ],
        )
        .await;
        assert_done(&moved, mine, "transfer");
        let after_transfer = handler.get(&format!("/cases/{mine}")).await;
        assert_eq!(
            after_transfer.status, 403,
            "{backend}: transferred case leaves the sender's scope"
        );

        let (both, both_id) = signed_in(
            &server,
            "liuyan2",
            Role::MessageHandler,
            GrantRef::Org(second.id),
        )
        .await;
        server
            .app()
            .db
            .add_grant(both_id, Role::Reviewer, GrantRef::Org(second.id), None)
            .await
            .unwrap();
        let reply = act(
            &both,
            mine,
            &[("action", "reply"), ("body", "供暖将于12月10日开通。")],
        )
        .await;
        assert_done(&reply, mine, "reply");
        let own = act(&both, mine, &[("action", "approve"), ("note", "")]).await;
        assert_eq!(own.status, 422, "{backend}: {}", own.body);
        assert!(
            own.body.contains("您不能审核通过自己的答复"),
            "{backend}: {}",
            own.body
        );
        assert_eq!(state_of(&server, mine).await, CaseState::ReplyPending);

        let (reviewer, _) =
            signed_in(&server, "shenhe1", Role::Reviewer, GrantRef::Org(second.id)).await;
        assert_done(
            &act(&reviewer, mine, &[("action", "approve"), ("note", "同意")]).await,
            mine,
            "approve",
        );
        let answered = server.app().db.case(&Scope::Platform, mine).await.unwrap();
        assert_eq!(answered.state, CaseState::Answered);
        assert!(answered.published, "{backend}: consented message published");
        assert_eq!(audit_count(&server, "case.approve", &mine_no).await, 1);

        let data_dir = server
            .app()
            .db
            .blob_store()
            .unwrap()
            .dir()
            .parent()
            .unwrap()
            .to_path_buf();
        let mails = jiyue_notify::read_folder_mail(&data_dir.join("outbox-mail")).unwrap();
        let notice: Vec<_> = mails
            .iter()
            .filter(|mail| mail.subject.contains(&mine_no))
            .collect();
        assert_eq!(notice.len(), 1, "{backend}: one reply notice");
        assert_eq!(notice[0].to, CITIZEN_EMAIL);
        assert!(
            notice[0].text.contains("/account/"),
            "{backend}: {}",
            notice[0].text
        );
    }
}

#[tokio::test]
async fn disclosure_extends_once_and_held_releases() {
    for backend in backends() {
        let server = start(backend).await;
        let site = portal(&server).await;
        let (first, _) = two_departments(&server).await;
        let application = NewCase {
            kind: CaseKind::Disclosure,
            category: None,
            ..message(
                &server,
                site,
                first.id,
                "申请公开2025年环境监测报告",
                "2026-12-01",
            )
        };
        let (id, _) = submit(&server, application).await;
        let (handler, _) = signed_in(
            &server,
            "gongkai",
            Role::MessageHandler,
            GrantRef::Org(first.id),
        )
        .await;

        let form = handler.get(&format!("/cases/{id}")).await;
        assert!(
            form.body.contains("value=\"20\""),
            "{backend}: disclosure limit defaults to 20"
        );
        assert_done(
            &act(&handler, id, &[("action", "accept"), ("limit_days", "20")]).await,
            id,
            "accept",
        );
        let pause = act(
            &handler,
            id,
            &[
                ("action", "pause"),
                ("from", "2026-12-01"),
                ("reason", "申请内容不明确，请申请人补正"),
            ],
        )
        .await;
        assert_done(&pause, id, "pause");
        assert_eq!(state_of(&server, id).await, CaseState::Paused);
        assert_done(
            &act(&handler, id, &[("action", "resume"), ("on", "2026-12-01")]).await,
            id,
            "resume",
        );

        let blank = act(
            &handler,
            id,
            &[("action", "extend"), ("days", "10"), ("reason", "")],
        )
        .await;
        assert_eq!(blank.status, 422, "{backend}: {}", blank.body);
        assert!(
            blank.body.contains("value=\"10\""),
            "{backend}: days kept after a refusal"
        );
        let extend = act(
            &handler,
            id,
            &[
                ("action", "extend"),
                ("days", "10"),
                ("reason", "需要征求第三方意见"),
            ],
        )
        .await;
        assert_done(&extend, id, "extend");
        let again = act(
            &handler,
            id,
            &[("action", "extend"), ("days", "5"), ("reason", "仍需时间")],
        )
        .await;
        assert_eq!(again.status, 422, "{backend}: {}", again.body);
        assert!(
            again.body.contains("只能延期一次"),
            "{backend}: {}",
            again.body
        );
        let clock = server
            .app()
            .db
            .case(&Scope::Platform, id)
            .await
            .unwrap()
            .clock
            .unwrap();
        assert_eq!(clock.extensions.len(), 1);

        let held_message = NewCase {
            held_for: Some("敏感词甲".to_string()),
            ..message(&server, site, first.id, "待审核留言", "2026-12-01")
        };
        let (held_id, _) = submit(&server, held_message).await;
        let list = handler.get("/cases?state=held").await;
        assert!(
            list.body.contains("命中敏感词：敏感词甲"),
            "{backend}: {}",
            list.body
        );
        // A reviewer releases it: reviewers as well as handlers decide on held cases.
        let (reviewer, _) =
            signed_in(&server, "shenhe2", Role::Reviewer, GrantRef::Org(first.id)).await;
        let held_list = reviewer.get("/cases?state=held").await;
        assert!(
            held_list.body.contains("命中敏感词：敏感词甲"),
            "{backend}: reviewer sees held case"
        );
        assert_done(
            &act(&reviewer, held_id, &[("action", "release"), ("note", "")]).await,
            held_id,
            "release",
        );
        assert_eq!(state_of(&server, held_id).await, CaseState::Received);
    }
}

/// Moves the server clock to 10:00 China time on `date`.
fn move_to(server: &TestServer, date: &str) {
    let target = Utc.from_utc_datetime(&day(date).and_hms_opt(2, 0, 0).unwrap());
    let now = jiyue_core::Clock::now(server.clock.as_ref());
    server.clock.advance(target - now);
}

#[tokio::test]
async fn deadline_job_across_national_day() {
    for backend in backends() {
        let server = start(backend).await;
        let site = portal(&server).await;
        let (first, _) = two_departments(&server).await;
        let app = server.app();

        // Accepted on Monday 28 September with 3 working days: the 29th, the 30th, then 1 to 7
        // October are the holiday, so the case is due on Thursday 8 October and the reminder
        // goes out on the 30th.
        move_to(&server, "2026-09-30");
        let (id, no) = submit(
            &server,
            message(&server, site, first.id, "国庆前的留言", "2026-09-28"),
        )
        .await;
        app.db
            .accept_case(&Scope::Platform, id, 1, day("2026-09-28"), 3)
            .await
            .unwrap();
        let clock = app
            .db
            .case(&Scope::Platform, id)
            .await
            .unwrap()
            .clock
            .unwrap();
        assert_eq!(clock.due(&app.calendar()).value, Some(day("2026-10-08")));
        assert_eq!(
            clock.reminder_on(&app.calendar()).value,
            Some(day("2026-09-30"))
        );

        for _ in 0..2 {
            jiyue_web::schedule::case_deadlines(app).await.unwrap();
        }
        assert_eq!(
            audit_count(&server, "case.reminder", &no).await,
            1,
            "{backend}"
        );
        assert_eq!(
            audit_count(&server, "case.overdue_alert", &no).await,
            0,
            "{backend}"
        );
        let (handler, _) = signed_in(
            &server,
            "daiban1",
            Role::MessageHandler,
            GrantRef::Org(first.id),
        )
        .await;
        let list = handler.get("/cases").await;
        assert!(list.body.contains("即将到期"), "{backend}: {}", list.body);

        move_to(&server, "2026-10-09");
        for _ in 0..2 {
            jiyue_web::schedule::case_deadlines(app).await.unwrap();
        }
        assert_eq!(
            audit_count(&server, "case.reminder", &no).await,
            1,
            "{backend}"
        );
        assert_eq!(
            audit_count(&server, "case.overdue_alert", &no).await,
            1,
            "{backend}"
        );
        let case = app.db.case(&Scope::Platform, id).await.unwrap();
        assert_eq!(case.reminded_on, Some(day("2026-09-30")));
        assert_eq!(case.overdue_alerted_on, Some(day("2026-10-09")));
        let (late, _) = signed_in(
            &server,
            "daiban2",
            Role::MessageHandler,
            GrantRef::Org(first.id),
        )
        .await;
        let list = late.get("/cases").await;
        assert!(list.body.contains("已超期"), "{backend}: {}", list.body);
        let (site_admin, _) =
            signed_in(&server, "zhanzhang", Role::SiteAdmin, GrantRef::Site(site)).await;
        let list = site_admin.get("/cases").await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert!(
            list.body.contains(&no),
            "{backend}: site administrator sees the overdue case"
        );
        assert!(list.body.contains("已超期"), "{backend}: {}", list.body);
    }
}

#[tokio::test]
async fn stats_csv_and_inspection_list() {
    for backend in backends() {
        let server = start(backend).await;
        let site = portal(&server).await;
        let (first, second) = two_departments(&server).await;
        let app = server.app();
        let (operator, operator_id) =
            signed_in(&server, "pingtai", Role::MessageHandler, GrantRef::Platform).await;
        let reviewer = create_account(
            &server,
            "pingtai2",
            Role::Reviewer,
            GrantRef::Platform,
            true,
        )
        .await;

        let (answered, _) = submit(
            &server,
            message(&server, site, first.id, "已答复的留言", "2026-12-01"),
        )
        .await;
        let today = day("2026-12-01");
        app.db
            .accept_case(&Scope::Platform, answered, operator_id, today, 15)
            .await
            .unwrap();
        app.db
            .submit_reply(&Scope::Platform, answered, operator_id, "已答复。")
            .await
            .unwrap();
        let calendar = app.calendar();
        app.db
            .review_reply(
                &Scope::Platform,
                answered,
                reviewer.id,
                true,
                "",
                &calendar,
                today,
            )
            .await
            .unwrap();
        submit(
            &server,
            message(&server, site, first.id, "未答复的留言", "2026-12-01"),
        )
        .await;

        let csv = operator.get("/cases/stats.csv?month=2026-12").await;
        assert_eq!(csv.status, 200, "{}", csv.body);
        let row = csv
            .body
            .lines()
            .find(|line| line.starts_with(&format!("{},互动交流", first.name)))
            .unwrap_or_else(|| panic!("{backend}: no row for {} in\n{}", first.name, csv.body));
        assert_eq!(
            row,
            format!("{},互动交流,2,1,1,0.0", first.name),
            "{backend}"
        );
        let bad = operator.get("/cases/stats?month=2026-13").await;
        assert_eq!(bad.status, 400, "{backend}");

        let (old, old_no) = submit(
            &server,
            message(&server, site, second.id, "三个月前的留言", "2026-08-20"),
        )
        .await;
        let inspection = operator.get("/cases/inspection").await;
        assert_eq!(inspection.status, 200, "{}", inspection.body);
        assert!(
            inspection.body.contains(&old_no),
            "{backend}: case {old} listed"
        );
        assert!(inspection.body.contains("单项否决"), "{backend}");
        let (department, _) = signed_in(
            &server,
            "bumen",
            Role::MessageHandler,
            GrantRef::Org(first.id),
        )
        .await;
        assert_eq!(
            department.get("/cases/inspection").await.status,
            403,
            "{backend}"
        );
    }
}

#[tokio::test]
async fn attachment_and_settings_pages() {
    for backend in backends() {
        let server = start(backend).await;
        let site = portal(&server).await;
        let (first, _) = two_departments(&server).await;
        let app = server.app();
        let (operator, _) =
            signed_in(&server, "shezhi", Role::MessageHandler, GrantRef::Platform).await;

        let bytes = b"%PDF-1.4 demo attachment".to_vec();
        let digest = app.db.blob_store().unwrap().put(&bytes).await.unwrap();
        let with_file = NewCase {
            attachments: vec![jiyue_db::NewAttachment {
                blob_sha: digest,
                name: "现场照片 1.pdf".to_string(),
                size: i64::try_from(bytes.len()).unwrap(),
                mime: "application/pdf".to_string(),
            }],
            ..message(&server, site, first.id, "带附件的留言", "2026-12-01")
        };
        let (id, _) = submit(&server, with_file).await;
        let download = operator.get(&format!("/cases/{id}/files/0")).await;
        assert_eq!(download.status, 200, "{backend}: {}", download.body);
        let disposition = download.headers["content-disposition"].to_str().unwrap();
        assert!(
            disposition.starts_with("attachment;"),
            "{backend}: {disposition}"
        );
        assert!(
            disposition.contains("filename*=UTF-8''%E7%8E%B0"),
            "{backend}: {disposition}"
        );
        assert_eq!(download.headers["x-content-type-options"], "nosniff");
        assert_eq!(download.body.as_bytes(), bytes.as_slice());
        assert_eq!(
            operator.get(&format!("/cases/{id}/files/1")).await.status,
            404
        );

        let site_text = site.to_string();
        let saved = operator
            .post_form(
                "/cases/deadlines",
                "/cases/deadlines",
                &[
                    ("site", &site_text),
                    ("kind", "message"),
                    ("category", "complaint"),
                    ("days", "10"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{backend}: {}", saved.body);
        let stored = app
            .db
            .case_deadline(site, CaseKind::Message, Some(MessageCategory::Complaint))
            .await
            .unwrap();
        assert_eq!(stored, Some(10));
        let invalid = operator
            .post_form(
                "/cases/deadlines",
                "/cases/deadlines",
                &[
                    ("site", &site_text),
                    ("kind", "message"),
                    ("category", ""),
                    ("days", "0"),
                ],
            )
            .await;
        assert_eq!(invalid.status, 422, "{backend}: {}", invalid.body);
        assert!(
            invalid.body.contains("工作日天数无效"),
            "{backend}: {}",
            invalid.body
        );

        let added = operator
            .post_form(
                "/cases/words",
                "/cases/words",
                &[("op", "add"), ("word", "测试敏感词")],
            )
            .await;
        assert_eq!(added.status, 303, "{backend}: {}", added.body);
        assert!(app
            .db
            .sensitive_words()
            .await
            .unwrap()
            .contains(&"测试敏感词".to_string()));
        let removed = operator
            .post_form(
                "/cases/words",
                "/cases/words",
                &[("op", "remove"), ("word", "测试敏感词")],
            )
            .await;
        assert_eq!(removed.status, 303, "{backend}: {}", removed.body);
        assert!(!app
            .db
            .sensitive_words()
            .await
            .unwrap()
            .contains(&"测试敏感词".to_string()));
        let (department, _) = signed_in(
            &server,
            "bumen2",
            Role::MessageHandler,
            GrantRef::Org(first.id),
        )
        .await;
        assert_eq!(
            department.get("/cases/words").await.status,
            403,
            "{backend}"
        );

        let org_text = first.id.to_string();
        let opened = operator
            .post_form(
                "/cases/consultations",
                "/cases/consultations",
                &[
                    ("site", &site_text),
                    ("org", &org_text),
                    ("title", "关于公园开放时间的意见征集"),
                    ("body", "欢迎提出意见。"),
                    ("starts_on", "2026-11-01"),
                    ("ends_on", "2026-11-30"),
                ],
            )
            .await;
        assert_eq!(opened.status, 303, "{backend}: {}", opened.body);
        let path = opened.location.clone();
        let consultation: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
        let page = operator.get(&path).await;
        assert!(
            page.body.contains("没有收到意见"),
            "{backend}: {}",
            page.body
        );
        let published = operator
            .post_form(
                &path,
                &path,
                &[
                    ("result", "共收到0条意见。"),
                    ("response", "维持现有开放时间。"),
                ],
            )
            .await;
        assert_eq!(published.status, 303, "{backend}: {}", published.body);
        let stored = app.db.consultation(consultation).await.unwrap().unwrap();
        assert_eq!(stored.response.as_deref(), Some("维持现有开放时间。"));
        let backwards = operator
            .post_form(
                "/cases/consultations",
                "/cases/consultations",
                &[
                    ("site", &site_text),
                    ("org", &org_text),
                    ("title", "日期颠倒"),
                    ("body", "正文"),
                    ("starts_on", "2026-12-31"),
                    ("ends_on", "2026-12-01"),
                ],
            )
            .await;
        assert_eq!(backwards.status, 422, "{backend}: {}", backwards.body);
        assert!(backwards.body.contains("日期颠倒"), "{backend}: title kept");
    }
}
