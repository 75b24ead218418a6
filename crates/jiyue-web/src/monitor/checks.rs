//! The schedule of the oversight checks: which check runs how often, each through the jobs
//! table so that on many nodes each run happens once. Security signals are kept in each
//! node's memory, so every node drains its own once a minute without a lease.

use std::sync::Arc;

use chrono::Duration;
use jiyue_monitor::availability::check_site;
use jiyue_monitor::Check;

use super::{jobs, raise_and_report, raise_events, run_job, scorecards};
use crate::App;

/// Days of probe results the availability check reads: the national rule judges a week.
const PROBE_DAYS: i64 = 8;

/// Days probe results are kept.
const PROBE_KEEP_DAYS: i64 = 400;

/// Runs every check whose job is due and whose lease this node takes.
pub async fn run_due(app: &Arc<App>) {
    run_checks(app, true).await;
}

/// Runs the due checks; with `heavy` false, leaves out the jobs that render every page of
/// every site (the link check and the scorecards).
pub(super) async fn run_checks(app: &Arc<App>, heavy: bool) {
    run_job(app, "freshness", Duration::hours(1), || async {
        let rules = app.desk().freshness.clone();
        let (faults, _) = jiyue_monitor::check_freshness(&app.db, app.clock.as_ref(), &rules)
            .await
            .map_err(|error| error.to_string())?;
        raise_and_report(app, Check::Freshness, None, &faults).await
    })
    .await;

    run_job(app, "wording", Duration::hours(6), || async {
        let faults = jiyue_monitor::scan_published(&app.db)
            .await
            .map_err(|error| error.to_string())?;
        raise_and_report(app, Check::Wording, None, &faults).await
    })
    .await;

    run_job(app, "availability", Duration::minutes(5), || async {
        let now = app.clock.now();
        let from = now - Duration::days(PROBE_DAYS);
        let rules = app.desk().availability.clone();
        let today = app.today();
        let mut faults = Vec::new();
        let sites = app
            .db
            .probed_sites(from, now)
            .await
            .map_err(|error| error.to_string())?;
        for site in sites {
            let results = app
                .db
                .probe_results(site, from, now)
                .await
                .map_err(|error| error.to_string())?;
            faults.extend(check_site(site, &results, today, &rules));
        }
        app.db
            .prune_probe_results(now - Duration::days(PROBE_KEEP_DAYS))
            .await
            .map_err(|error| error.to_string())?;
        raise_and_report(app, Check::Availability, None, &faults).await
    })
    .await;

    run_watch_jobs(app, heavy).await;

    if heavy {
        scorecards::run_job(app).await;
    }

    let signals = app.signals.drain();
    if !signals.is_empty() {
        if let Err(error) = raise_events(app, Check::Security, &signals).await {
            tracing::error!(%error, "raising security signals failed");
        }
    }
}

/// Runs the jobs set up by the config file: the tampering checks of the export mirrors and of
/// the served pages, and the link check.
async fn run_watch_jobs(app: &Arc<App>, heavy: bool) {
    let desk = app.desk();
    let tamper_every = Duration::minutes(jobs::TAMPER_EVERY_MINUTES);
    if !desk.mirrors.is_empty() {
        run_job(app, "tamper-export", tamper_every, || {
            jobs::tamper_export(app)
        })
        .await;
    }
    if let Some(served) = &desk.served {
        run_job(app, "tamper-served", tamper_every, || {
            jobs::tamper_served(app, served)
        })
        .await;
    }
    if heavy {
        run_job(app, "links", desk.links.every, || {
            jobs::links(app, &desk.links.options)
        })
        .await;
    }
}
