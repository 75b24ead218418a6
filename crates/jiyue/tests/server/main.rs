//! Integration tests: the real server on a temporary data folder with the demo province,
//! spoken to over HTTP on the loopback address, on SQLite and (when configured) PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_accounts;
mod admin_audit;
mod admin_browser;
mod admin_calendar;
mod admin_cases;
mod admin_cli;
mod admin_column_move;
mod admin_editorial;
mod admin_login;
mod admin_matrix;
mod admin_services;
mod admin_staff;
mod admin_support;
mod admin_uploads;
mod browser;
mod browser_checks;
mod browser_citizens;
mod browser_driver;
mod browser_editorial;
mod browser_services;
mod cache;
mod citizen_accounts;
mod citizen_cases;
mod citizen_federation;
mod citizen_oidc;
mod cli;
mod export;
mod hostile;
mod monitor_alerts;
mod monitor_analytics;
mod monitor_fresh;
mod monitor_probe;
mod monitor_schedule;
mod monitor_score_feed;
mod monitor_scores;
mod protocol;
mod restart;
mod search;
mod services_api;
mod services_pages;
mod support;
mod walkthrough;
