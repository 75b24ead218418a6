//! The editorial workflow in storage: drafts, review levels, rejection, stale saves,
//! scheduled publication and withdrawal, moves, restores and previews.

use chrono::Duration;
use jiyue_core::workflow::{RevisionState, WorkflowError};
use jiyue_core::ItemMeta;
use jiyue_db::{Db, DbError, DraftInput, NewStaff, RouteTarget, Scope, Withdrawal};

use crate::fixtures::*;

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

async fn column_id(db: &Db, site: i64, path: &str) -> i64 {
    db.column_by_path(site, path).await.unwrap().unwrap().id
}

fn draft(org: i64, home: i64, title: &str) -> DraftInput {
    let meta = ItemMeta {
        title: title.to_string(),
        lang: "zh-CN".to_string(),
        source: Some("吉林省人民政府办公厅".to_string()),
        ..ItemMeta::default()
    };
    DraftInput {
        item_id: None,
        base_revision_id: None,
        org_id: org,
        meta,
        body_html: format!("<p>{title}</p>"),
        home_column: home,
        extra_columns: Vec::new(),
        translation_of: None,
        publish_at: None,
    }
}

async fn set_levels(db: &Db, site_code: &str, path: &str, levels: i16) {
    let mut column = new_column(site_code, path, jiyue_core::ColumnType::KeyNews, false);
    column.review_levels = levels;
    db.upsert_column(&Scope::Platform, &column).await.unwrap();
}

#[tokio::test]
async fn two_levels_need_two_other_reviewers() {
    for db in dbs().await {
        let world = build_world(&db).await;
        set_levels(&db, PORTAL, "yw", 2).await;
        let (editor, first, second) = (
            staff(&db, "editor").await,
            staff(&db, "first").await,
            staff(&db, "second").await,
        );
        let home = column_id(&db, world.portal, "yw").await;
        let scope = Scope::Org(world.province);
        let saved = db
            .save_draft(&scope, editor, &draft(world.province, home, "两级审核"))
            .await
            .unwrap();
        assert!(db.published_item(saved.item_id).await.unwrap().is_none());

        let outcome = db
            .submit_revision(&scope, editor, saved.revision_id)
            .await
            .unwrap();
        assert_eq!(outcome.state, RevisionState::InReview, "{}", db.label());
        let own = db.approve_revision(&scope, editor, saved.revision_id).await;
        assert!(
            matches!(own, Err(DbError::Workflow(WorkflowError::OwnApproval))),
            "{own:?}"
        );
        db.approve_revision(&scope, first, saved.revision_id)
            .await
            .unwrap();
        let repeat = db.approve_revision(&scope, first, saved.revision_id).await;
        assert!(
            matches!(
                repeat,
                Err(DbError::Workflow(WorkflowError::RepeatApproval))
            ),
            "{repeat:?}"
        );
        assert!(db.published_item(saved.item_id).await.unwrap().is_none());

        let outcome = db
            .approve_revision(&scope, second, saved.revision_id)
            .await
            .unwrap();
        assert!(outcome.published, "{}", db.label());
        let item = db.published_item(saved.item_id).await.unwrap().unwrap();
        assert_eq!(
            item.revision_id, saved.revision_id,
            "the approved revision goes live"
        );
        assert!(item.meta.index_number.is_some());
        assert_eq!(db.item_revisions(saved.item_id).await.unwrap().len(), 1);

        let steps: Vec<String> = db
            .review_history(saved.item_id)
            .await
            .unwrap()
            .into_iter()
            .map(|step| step.step)
            .collect();
        assert_eq!(steps, ["create", "submit", "approve", "approve", "publish"]);
    }
}

#[tokio::test]
async fn rejection_returns_to_author_and_resubmission_starts_over() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let (editor, reviewer) = (staff(&db, "editor").await, staff(&db, "reviewer").await);
        let home = column_id(&db, world.portal, "yw").await;
        let saved = db
            .save_draft(
                &Scope::Platform,
                editor,
                &draft(world.province, home, "退回"),
            )
            .await
            .unwrap();
        db.submit_revision(&Scope::Platform, editor, saved.revision_id)
            .await
            .unwrap();
        let blank = db
            .reject_revision(&Scope::Platform, reviewer, saved.revision_id, "  ")
            .await;
        assert!(matches!(
            blank,
            Err(DbError::Workflow(WorkflowError::BlankReason))
        ));
        let outcome = db
            .reject_revision(&Scope::Platform, reviewer, saved.revision_id, "来源写错了")
            .await
            .unwrap();
        assert_eq!(outcome.state, RevisionState::Rejected);
        let revisions = db.item_revisions(saved.item_id).await.unwrap();
        assert_eq!(revisions[0].reject_reason.as_deref(), Some("来源写错了"));
        let drafts = db
            .work_list(
                &[RevisionState::Draft, RevisionState::Rejected],
                Some(editor),
                10,
            )
            .await
            .unwrap();
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].home_column, Some(home));
    }
}

#[tokio::test]
async fn saving_on_a_stale_revision_is_refused() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let (alice, bob) = (staff(&db, "alice").await, staff(&db, "bob").await);
        let home = column_id(&db, world.portal, "yw").await;
        let first = db
            .save_draft(
                &Scope::Platform,
                alice,
                &draft(world.province, home, "初稿"),
            )
            .await
            .unwrap();
        let mut alice_edit = draft(world.province, home, "甲的修改");
        alice_edit.item_id = Some(first.item_id);
        alice_edit.base_revision_id = Some(first.revision_id);
        let alice_saved = db
            .save_draft(&Scope::Platform, alice, &alice_edit)
            .await
            .unwrap();

        let mut bob_edit = draft(world.province, home, "乙的修改");
        bob_edit.item_id = Some(first.item_id);
        bob_edit.base_revision_id = Some(first.revision_id);
        let stale = db.save_draft(&Scope::Platform, bob, &bob_edit).await;
        match stale {
            Err(DbError::Stale { latest, base, .. }) => {
                assert_eq!(latest, alice_saved.revision_id);
                assert_eq!(base, first.revision_id);
            }
            other => panic!("expected a stale save, got {other:?}"),
        }
        let newest = db.item_revisions(first.item_id).await.unwrap();
        assert_eq!(newest[0].title, "甲的修改", "{}", db.label());
        assert_eq!(newest.len(), 2);
    }
}

#[tokio::test]
async fn scheduled_publication_runs_when_due_and_reports_lateness() {
    for db in dbs().await {
        let world = build_world(&db).await;
        set_levels(&db, PORTAL, "yw", 0).await;
        let editor = staff(&db, "editor").await;
        let home = column_id(&db, world.portal, "yw").await;
        let mut input = draft(world.province, home, "定时发布");
        input.publish_at = Some(db.clock().now() + Duration::hours(1));
        let saved = db
            .save_draft(&Scope::Platform, editor, &input)
            .await
            .unwrap();
        let outcome = db
            .submit_revision(&Scope::Platform, editor, saved.revision_id)
            .await
            .unwrap();
        assert_eq!(outcome.state, RevisionState::Approved);
        assert!(db.run_due_schedules().await.unwrap().is_empty());
        assert!(db.published_item(saved.item_id).await.unwrap().is_none());

        db.clock.advance(Duration::minutes(59));
        assert!(db.run_due_schedules().await.unwrap().is_empty());
        // The platform was down when the time came: the sweep at startup runs it, late.
        db.clock.advance(Duration::hours(3));
        let runs = db.run_due_schedules().await.unwrap();
        assert_eq!(runs.len(), 1, "{}", db.label());
        assert!(runs[0].late);
        assert!(db.published_item(saved.item_id).await.unwrap().is_some());
        assert!(
            db.run_due_schedules().await.unwrap().is_empty(),
            "runs once"
        );
        assert_eq!(db.late_schedule_reports(10).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn withdrawal_leaves_gone_or_redirect_routes() {
    for db in dbs().await {
        let world = build_world(&db).await;
        set_levels(&db, PORTAL, "yw", 0).await;
        let editor = staff(&db, "editor").await;
        let home = column_id(&db, world.portal, "yw").await;
        let mut ids = Vec::new();
        for title in ["撤回一", "撤回二"] {
            let saved = db
                .save_draft(
                    &Scope::Platform,
                    editor,
                    &draft(world.province, home, title),
                )
                .await
                .unwrap();
            db.submit_revision(&Scope::Platform, editor, saved.revision_id)
                .await
                .unwrap();
            ids.push(saved.item_id);
        }
        let paths: Vec<String> = {
            let mut paths = Vec::new();
            for id in &ids {
                let item = db.published_item(*id).await.unwrap().unwrap();
                paths.push(item.placements[0].path.clone());
            }
            paths
        };
        let gone = Withdrawal::Gone {
            notice: "该文件已废止".to_string(),
        };
        db.withdraw_item(&Scope::Platform, editor, ids[0], &gone, None)
            .await
            .unwrap();
        let route = db.route(world.portal, &paths[0]).await.unwrap().unwrap();
        assert_eq!(route.target, RouteTarget::Gone("该文件已废止".to_string()));
        assert!(db.published_item(ids[0]).await.unwrap().is_none());

        let redirect = Withdrawal::Redirect {
            location: paths[0].clone(),
        };
        let later = db.clock().now() + Duration::days(1);
        let now = db
            .withdraw_item(&Scope::Platform, editor, ids[1], &redirect, Some(later))
            .await
            .unwrap();
        assert!(!now, "scheduled, not immediate");
        assert!(db.published_item(ids[1]).await.unwrap().is_some());
        db.clock.advance(Duration::days(1));
        let runs = db.run_due_schedules().await.unwrap();
        assert_eq!(runs.len(), 1);
        let route = db.route(world.portal, &paths[1]).await.unwrap().unwrap();
        assert_eq!(route.target, RouteTarget::Redirect(paths[0].clone()));

        let empty = Withdrawal::Gone {
            notice: " ".to_string(),
        };
        let refused = db
            .withdraw_item(&Scope::Platform, editor, ids[0], &empty, None)
            .await;
        assert!(refused.unwrap_err().is_invalid());
    }
}

#[tokio::test]
async fn moving_a_published_item_redirects_its_old_url() {
    for db in dbs().await {
        let world = build_world(&db).await;
        set_levels(&db, PORTAL, "yw", 0).await;
        set_levels(&db, PORTAL, "zwgk/tzgg", 0).await;
        let editor = staff(&db, "editor").await;
        let (news, notices) = (
            column_id(&db, world.portal, "yw").await,
            column_id(&db, world.portal, "zwgk/tzgg").await,
        );
        let saved = db
            .save_draft(
                &Scope::Platform,
                editor,
                &draft(world.province, news, "移动"),
            )
            .await
            .unwrap();
        db.submit_revision(&Scope::Platform, editor, saved.revision_id)
            .await
            .unwrap();
        let old_path = db
            .published_item(saved.item_id)
            .await
            .unwrap()
            .unwrap()
            .placements[0]
            .path
            .clone();

        let mut moved = draft(world.province, notices, "移动");
        moved.item_id = Some(saved.item_id);
        moved.base_revision_id = Some(saved.revision_id);
        moved.body_html = "<p>移动到通知公告</p>".to_string();
        let second = db
            .save_draft(&Scope::Platform, editor, &moved)
            .await
            .unwrap();
        let live = db.published_item(saved.item_id).await.unwrap().unwrap();
        assert_eq!(
            live.placements[0].path, old_path,
            "a draft changes nothing public"
        );

        db.submit_revision(&Scope::Platform, editor, second.revision_id)
            .await
            .unwrap();
        let live = db.published_item(saved.item_id).await.unwrap().unwrap();
        assert_eq!(live.placements.len(), 1, "{:?}", live.placements);
        let new_path = live.placements[0].path.clone();
        assert!(new_path.starts_with("/zwgk/tzgg/"), "{new_path}");
        let old = db.route(world.portal, &old_path).await.unwrap().unwrap();
        assert_eq!(old.target, RouteTarget::Redirect(new_path));
    }
}

#[tokio::test]
async fn restoring_an_old_revision_makes_a_new_draft() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let editor = staff(&db, "editor").await;
        let home = column_id(&db, world.portal, "yw").await;
        let first = db
            .save_draft(
                &Scope::Platform,
                editor,
                &draft(world.province, home, "第一版"),
            )
            .await
            .unwrap();
        let mut edit = draft(world.province, home, "第二版");
        edit.item_id = Some(first.item_id);
        edit.base_revision_id = Some(first.revision_id);
        db.save_draft(&Scope::Platform, editor, &edit)
            .await
            .unwrap();
        let restored = db
            .restore_revision(&Scope::Platform, editor, first.revision_id)
            .await
            .unwrap();
        let revisions = db.item_revisions(first.item_id).await.unwrap();
        assert_eq!(revisions.len(), 3);
        assert_eq!(revisions[0].id, restored.revision_id);
        assert_eq!(revisions[0].title, "第一版");
        assert_eq!(revisions[0].state, RevisionState::Draft);
        assert_eq!(revisions[1].state, RevisionState::Superseded);
    }
}

#[tokio::test]
async fn drafts_outside_the_scope_are_refused() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let editor = staff(&db, "editor").await;
        let home = column_id(&db, world.portal, "yw").await;
        let refused = db
            .save_draft(
                &Scope::Org(world.department),
                editor,
                &draft(world.province, home, "越权"),
            )
            .await;
        assert!(refused.unwrap_err().is_out_of_scope(), "{}", db.label());
        assert_eq!(count(&db, "items").await, 0);
    }
}

#[tokio::test]
async fn preview_tokens_expire() {
    for db in dbs().await {
        let world = build_world(&db).await;
        let editor = staff(&db, "editor").await;
        let home = column_id(&db, world.portal, "yw").await;
        let saved = db
            .save_draft(
                &Scope::Platform,
                editor,
                &draft(world.province, home, "预览"),
            )
            .await
            .unwrap();
        let expires = db.clock().now() + Duration::hours(1);
        db.create_preview("digest-1", saved.revision_id, world.portal, editor, expires)
            .await
            .unwrap();
        assert_eq!(
            db.preview("digest-1").await.unwrap(),
            Some((saved.revision_id, world.portal))
        );
        db.clock.advance(Duration::hours(2));
        assert_eq!(db.preview("digest-1").await.unwrap(), None);
    }
}

/// Runs one statement through the pool, as someone with database access would.
async fn execute(db: &Db, sql: &str) {
    match db.pool() {
        jiyue_db::Pool::Sqlite { writer, .. } => {
            sqlx::query(sql).execute(writer).await.unwrap();
        }
        jiyue_db::Pool::Postgres(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
    }
}

#[tokio::test]
async fn failed_scheduled_publication_returns_to_author() {
    for db in dbs().await {
        let world = build_world(&db).await;
        set_levels(&db, PORTAL, "yw", 0).await;
        let editor = staff(&db, "editor").await;
        let home = column_id(&db, world.portal, "yw").await;
        let mut input = draft(world.province, home, "无法发布");
        input.publish_at = Some(db.clock().now() + Duration::hours(1));
        let saved = db
            .save_draft(&Scope::Platform, editor, &input)
            .await
            .unwrap();
        db.submit_revision(&Scope::Platform, editor, saved.revision_id)
            .await
            .unwrap();
        execute(
            &db,
            &format!(
                "UPDATE revisions SET meta = 'not json' WHERE id = {}",
                saved.revision_id
            ),
        )
        .await;

        db.clock.advance(Duration::hours(2));
        let runs = db.run_due_schedules().await.unwrap();
        assert_eq!(runs.len(), 1, "{}", db.label());
        assert_eq!(runs[0].action, "publish_failed");
        assert!(
            db.run_due_schedules().await.unwrap().is_empty(),
            "it left the queue"
        );
        let revisions = db.item_revisions(saved.item_id).await.unwrap();
        assert_eq!(revisions[0].state, RevisionState::Rejected);
        let reason = revisions[0].reject_reason.clone().unwrap_or_default();
        assert!(
            reason.starts_with("scheduled publication failed"),
            "{reason}"
        );
        assert!(db.published_item(saved.item_id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn placement_on_another_site_waits_for_acceptance() {
    for db in dbs().await {
        let world = build_world(&db).await;
        set_levels(&db, PORTAL, "yw", 0).await;
        let editor = staff(&db, "editor").await;
        let home = column_id(&db, world.portal, "yw").await;
        // The department site's column does not take shared items directly.
        let elsewhere = column_id(&db, world.department_site, "gzdt").await;
        let mut input = draft(world.province, home, "推送到厅网站");
        input.extra_columns = vec![elsewhere];
        let saved = db
            .save_draft(&Scope::Org(world.province), editor, &input)
            .await
            .unwrap();
        db.submit_revision(&Scope::Org(world.province), editor, saved.revision_id)
            .await
            .unwrap();
        assert!(db.published_item(saved.item_id).await.unwrap().is_some());

        let pending = db.pending_placements(world.department_site).await.unwrap();
        assert_eq!(pending.len(), 1, "{}", db.label());
        assert_eq!(pending[0].item_id, saved.item_id);
        db.accept_placement(world.department_site, pending[0].placement_id)
            .await
            .unwrap();
        assert!(db
            .pending_placements(world.department_site)
            .await
            .unwrap()
            .is_empty());
    }
}

#[tokio::test]
async fn redirect_replacement_must_stay_on_a_path() {
    for db in dbs().await {
        let world = build_world(&db).await;
        set_levels(&db, PORTAL, "yw", 0).await;
        let editor = staff(&db, "editor").await;
        let home = column_id(&db, world.portal, "yw").await;
        let saved = db
            .save_draft(
                &Scope::Platform,
                editor,
                &draft(world.province, home, "跳转"),
            )
            .await
            .unwrap();
        db.submit_revision(&Scope::Platform, editor, saved.revision_id)
            .await
            .unwrap();
        for location in [
            "/\\evil.example",
            "//evil.example",
            "javascript:alert(1)",
            "/a\nb",
        ] {
            let how = Withdrawal::Redirect {
                location: location.to_string(),
            };
            let refused = db
                .withdraw_item(&Scope::Platform, editor, saved.item_id, &how, None)
                .await;
            assert!(
                refused.unwrap_err().is_invalid(),
                "{location:?} was accepted"
            );
        }
        assert!(db.published_item(saved.item_id).await.unwrap().is_some());
    }
}
