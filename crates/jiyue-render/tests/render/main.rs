//! Integration tests of jiyue-render, in one test binary: rendered pages, the sanitizer,
//! sitemaps and Atom feeds checked by Python's feedparser.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod feeds;
mod fixtures;
mod pages;
mod sanitizer;
mod sitemaps;
