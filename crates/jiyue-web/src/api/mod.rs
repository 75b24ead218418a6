//! Placeholder replaced by its owner: the JSON API under `/api/v1/`.
