//! Integration tests of jiyue-notify: folder outboxes, SMTP against aiosmtpd, the HTTP SMS
//! gateway against Python's http.server, validation, masking and config parsing.
//!
//! The peers need a Python 3 interpreter from `JIYUE_TEST_PYTHON` (default `python3`) with
//! aiosmtpd installed: `python3 -m venv .venv && .venv/bin/pip install aiosmtpd`, then run
//! the tests with `JIYUE_TEST_PYTHON=.venv/bin/python`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod config;
mod folder;
mod gateway;
mod peers;
mod smtp;
mod validation;
