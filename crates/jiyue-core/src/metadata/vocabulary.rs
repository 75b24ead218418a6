//! Coded vocabularies of item metadata.
