//! The `jiyue` command itself, run as a process: demo, import and reindex on a data folder.

use std::process::Command;

fn jiyue(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jiyue"))
        .args(args)
        .env_remove("JIYUE_DATABASE_URL")
        .env("JIYUE_LOG", "warn")
        .output()
        .unwrap()
}

#[test]
fn demo_import_and_reindex_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();

    let output = jiyue(&["demo", "--data-dir", data, "--items", "2"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // A file with an unknown column is rejected whole, naming the file, line and field.
    let bad = dir.path().join("bad.md");
    std::fs::write(
        &bad,
        "+++\nid = \"cli-bad\"\norg = \"11220000000000019E\"\nsite = \"2200000001\"\n\
         column = \"no-such-column\"\ntitle = \"测试\"\npublished_at = \"2025-13-01 09:00\"\n+++\n\n正文\n",
    )
    .unwrap();
    let output = jiyue(&["import", "--data-dir", data, bad.to_str().unwrap()]);
    assert!(
        !output.status.success(),
        "an invalid file fails the command"
    );
    let message = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        message.contains("bad.md:7"),
        "names file and line: {message}"
    );
    assert!(
        message.contains("published_at"),
        "names the field: {message}"
    );

    // Reindexing rebuilds the index from every published item.
    let output = jiyue(&["reindex", "--data-dir", data]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let count: u64 = stdout
        .split("rebuilt: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output: {stdout}"));
    assert!(count >= 4 + 50, "all demo items indexed, got {count}");

    // A config file with an unknown key is rejected with the key named.
    let config = dir.path().join("jiyue.toml");
    std::fs::write(&config, "listen_address = \"127.0.0.1:1\"\n").unwrap();
    let output = jiyue(&[
        "reindex",
        "--config",
        config.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("listen_address"));
}
