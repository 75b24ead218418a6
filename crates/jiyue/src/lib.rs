//! The `jiyue` command: serving, the demo province, import, reindexing.
