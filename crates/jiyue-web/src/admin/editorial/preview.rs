//! Draft previews: a signed-in user with the right to read an item makes a link valid for one
//! hour, and anyone with the link gets the revision rendered as its public page in the site's
//! theme. The page is marked as a preview and is never indexed or cached.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Duration;
use jiyue_auth::{new_token, token_digest, Action};
use jiyue_core::clock::format_china_minute;
use jiyue_core::metadata::vocabulary;
use jiyue_db::{AuditResult, ItemId, RevisionDetail, SiteId};
use jiyue_render::model::{ItemPage, ItemView};
use minijinja::context;
use serde::Deserialize;

use super::super::csrf::check_csrf;
use super::super::error::AdminError;
use super::super::extract::{AdminForm, AdminPath};
use super::super::render;
use super::super::session::SignedIn;
use super::access::item_with;
use super::see_other;
use crate::App;

/// How long a preview link works.
const PREVIEW_MINUTES: i64 = 60;

/// Returns the routes of previews.
pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/items/{id}/preview", post(create))
        .route("/preview/{token}", get(show))
        .route("/preview/static/{name}", get(theme_asset))
        .route("/preview/{token}/files/{name}", get(preview_file))
}

#[derive(Debug, Deserialize)]
struct PreviewForm {
    #[serde(default)]
    csrf: String,
}

async fn create(
    State(app): State<Arc<App>>,
    me: SignedIn,
    AdminPath(id): AdminPath<ItemId>,
    AdminForm(form): AdminForm<PreviewForm>,
) -> Result<Response, AdminError> {
    check_csrf(&me, &form.csrf)?;
    let (context, _) = item_with(&app, &me, id, Action::ViewItems, "item.preview").await?;
    let column = app
        .db
        .column(context.home_column)
        .await?
        .ok_or_else(|| AdminError::NotFound(format!("column:{}", context.home_column)))?;
    let token = new_token();
    let expires_at = app.clock.now() + Duration::minutes(PREVIEW_MINUTES);
    let revision = context.latest.summary.id;
    app.db
        .create_preview(
            &token_digest(&token),
            revision,
            column.site_id,
            me.staff.id,
            expires_at,
        )
        .await?;
    let detail = format!("revision {revision}");
    me.audit(
        &app,
        "item.preview",
        &format!("item:{id}"),
        AuditResult::Ok,
        &detail,
    )
    .await;
    Ok(see_other(&format!("/preview/{token}")))
}

async fn show(
    State(app): State<Arc<App>>,
    AdminPath(token): AdminPath<String>,
) -> Result<Response, AdminError> {
    let Some((revision_id, site_id)) = app.db.preview(&token_digest(&token)).await? else {
        return expired(&app);
    };
    let Some(detail) = app.db.revision_detail(revision_id).await? else {
        return expired(&app);
    };
    let html = preview_html(&app, &detail, site_id).await?;
    // Files of the body live on the admin listener behind the sign-in; the preview reaches
    // them through its own token, so a colleague without an account sees the images too.
    let html = html
        .replace("src=\"/files/", &format!("src=\"/preview/{token}/files/"))
        .replace("href=\"/files/", &format!("href=\"/preview/{token}/files/"));
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    Ok(response)
}

/// GET `/preview/{token}/files/{name}`: a stored file, while the preview token is valid.
async fn preview_file(
    State(app): State<Arc<App>>,
    AdminPath((token, name)): AdminPath<(String, String)>,
) -> Result<Response, AdminError> {
    if app.db.preview(&token_digest(&token)).await?.is_none() {
        return expired(&app);
    }
    let Some(file) = crate::pages::files::lookup(&app, &name).await? else {
        return Err(AdminError::NotFound(format!("/files/{name}")));
    };
    let mut response = file.into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

fn expired(app: &App) -> Result<Response, AdminError> {
    let html = render::page(app, "preview_expired.html", context! {})?;
    let mut response = (StatusCode::GONE, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    Ok(response)
}

/// Renders the revision as the item page of the site, with the noindex tag and the banner.
async fn preview_html(
    app: &App,
    detail: &RevisionDetail,
    site_id: SiteId,
) -> Result<String, AdminError> {
    let directory = app.directory();
    let internal = |error: crate::pages::PageError| AdminError::Internal(error.to_string());
    let ctx = crate::pages::site_context(app, &directory, site_id)
        .await
        .map_err(internal)?;
    let home = detail.placements.as_ref().map(|wanted| wanted.home);
    let column = home
        .and_then(|id| ctx.column(id))
        .or_else(|| ctx.columns.first())
        .ok_or_else(|| AdminError::NotFound(format!("columns of site {site_id}")))?;
    let model = ItemPage {
        site: ctx.view(&directory, Some(column.id)),
        column: ctx.column_view(column),
        breadcrumbs: ctx.breadcrumbs(column, true),
        item: item_view(app, detail),
    };
    let html = app
        .renderer
        .item(&model)
        .map_err(|error| AdminError::Internal(error.to_string()))?;
    Ok(mark_preview(&html))
}

/// Adds the noindex tag to the head and the preview banner to the top of the body, and points
/// the theme's stylesheet at [`theme_asset`], as the admin pages may load styles only from
/// their own origin.
///
/// NOTE: besides the stylesheet, only the body's `/files/` addresses are rewritten (in `show`).
/// Other root-relative links in the body point at the admin listener and do not work there.
fn mark_preview(html: &str) -> String {
    let banner = format!(
        "<body>\n<p class=\"preview-banner\" role=\"status\"><strong>{}</strong></p>",
        render::message("editorial-preview-banner")
    );
    html.replacen(
        "<head>",
        "<head>\n<meta name=\"robots\" content=\"noindex\">",
        1,
    )
    .replacen("<body>", &banner, 1)
    .replace("href=\"/static/", "href=\"/preview/static/")
}

/// Serves a static file of the public theme, such as `site.css`, for preview pages.
async fn theme_asset(AdminPath(name): AdminPath<String>) -> Result<Response, AdminError> {
    let (bytes, content_type) = jiyue_render::static_asset(&name)
        .ok_or_else(|| AdminError::NotFound(format!("theme file {name}")))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

fn item_view(app: &App, detail: &RevisionDetail) -> ItemView {
    let meta = &detail.meta;
    let published = meta.published_at.unwrap_or_else(|| app.clock.now());
    ItemView {
        title: meta.title.clone(),
        subtitle: meta.subtitle.clone(),
        lang: meta.lang.clone(),
        index_number: meta.index_number.as_ref().map(|n| n.as_str().to_string()),
        issuing_org: meta.issuing_org.clone(),
        written_date: meta.written_date.map(|d| d.format("%Y-%m-%d").to_string()),
        document_number: meta.document_number.clone(),
        pub_date: format_china_minute(published),
        source: meta.source.clone(),
        author: meta.author.clone(),
        editor: meta.editor.clone(),
        subject_path: meta.subject.as_deref().and_then(vocabulary::subject_path),
        genre: meta
            .genre
            .as_deref()
            .and_then(vocabulary::genre)
            .map(|term| term.name_zh.to_string()),
        keywords: meta.keywords.clone(),
        summary: meta.summary.clone(),
        validity: meta.validity,
        body_html: jiyue_render::sanitize_html(&detail.body_html),
        attachments: Vec::new(),
        canonical_url: None,
        translations: Vec::new(),
        also_on: Vec::new(),
        sample: false,
    }
}
