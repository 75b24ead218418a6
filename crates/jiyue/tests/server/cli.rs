//! The `jiyue` command itself, run as a process: demo, import, reindex and calendar on a data
//! folder.

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

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The 2027 entries of an announcement in the shipped format (the figures are only a test).
const YEAR_2027: &str = "date,kind,name_zh,name_en\n\
    2027-01-01,holiday,元旦,New Year's Day\n\
    2027-02-06,holiday,春节,Spring Festival\n\
    2027-02-07,holiday,春节,Spring Festival\n\
    2027-02-08,holiday,春节,Spring Festival\n\
    2027-02-20,adjusted_workday,春节,Spring Festival\n\
    2027-04-05,holiday,清明节,Qingming Festival\n\
    2027-05-03,holiday,劳动节,Labour Day\n\
    2027-06-09,holiday,端午节,Dragon Boat Festival\n\
    2027-10-01,holiday,国庆节,National Day\n";

#[test]
fn calendar_add_makes_a_year_final() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();

    // 2027 is not loaded: five working days after 2026-12-31 count weekends only.
    let output = jiyue(&[
        "calendar",
        "--data-dir",
        data,
        "check",
        "2026-12-31",
        "--add",
        "5",
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let before = text(&output);
    assert!(before.contains("= 2027-01-07 (provisional"), "{before}");

    // A file whose line 3 has an invalid date is rejected, naming the line, and stores nothing.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, YEAR_2027.replace("2027-02-06", "2027-02-30")).unwrap();
    let output = jiyue(&["calendar", "--data-dir", data, "add", bad.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(text(&output).contains("line 3"), "{}", text(&output));
    let output = jiyue(&["calendar", "--data-dir", data, "show", "2027"]);
    assert!(!output.status.success(), "2027 stays unloaded");

    let good = dir.path().join("2027.csv");
    std::fs::write(&good, YEAR_2027).unwrap();
    let output = jiyue(&[
        "calendar",
        "--data-dir",
        data,
        "add",
        good.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("loaded 2027: 8 holidays, 1 adjusted"));

    // New Year's Day 2027 is now a holiday, and the result is no longer provisional.
    let output = jiyue(&[
        "calendar",
        "--data-dir",
        data,
        "check",
        "2026-12-31",
        "--add",
        "5",
    ]);
    let after = text(&output);
    assert!(after.contains("= 2027-01-08"), "{after}");
    assert!(!after.contains("provisional"), "{after}");

    let output = jiyue(&["calendar", "--data-dir", data, "list"]);
    let list = text(&output);
    assert!(
        list.contains("2027         8         1  loaded by cli"),
        "{list}"
    );
    assert!(list.contains("2026") && list.contains("shipped"), "{list}");
    assert!(
        !list.contains("warning: the working-day calendar of 2027"),
        "{list}"
    );
}
